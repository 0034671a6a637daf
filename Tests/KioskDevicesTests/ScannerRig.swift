import Foundation
import KioskDevices
import KioskEmulators
import KioskSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A temporary folder with a FIFO standing in for `/dev/input/eventN`, a `BarcodeScanner`
/// reading it, and everything it reported (events and log lines) collected for the test.
final class ScannerRig: Sendable {
    let folder: String
    let path: String
    let scanner: BarcodeScanner
    private let record = ScannerRecord()
    private let consumer: Task<Void, Never>

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    static func keymap(_ name: String) throws -> Keymap {
        try Keymap.load(named: name, in: [repositoryRoot + "/Hardware/keymaps"])
    }

    /// A rig; `device` is `folder/scanner` unless `makeDevice` makes something else there.
    init(
        keymap: String = "us", mode: ScannerSettings.Mode = .evdev, scanTimeout: Duration = .seconds(30),
        device: String? = nil, makeFIFO: Bool = true, recheck: Duration = .seconds(1)
    ) throws {
        folder = NSTemporaryDirectory() + "scanner-rig-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = device ?? folder + "/scanner"
        if makeFIFO && device == nil { try ScannerRig.makeFIFO(path) }
        let record = record
        let logger = Logger(minimum: .debug) { line in record.lines.withLock { $0.append(line) } }
        scanner = try BarcodeScanner(
            settings: ScannerSettings(
                device: path, mode: mode, keymap: try ScannerRig.keymap(keymap), grab: true, scanTimeout: scanTimeout,
                missingRecheckInterval: recheck, bufferedEvents: 1024),
            logger: logger)
        let events = scanner.events
        consumer = Task {
            for await event in events { record.events.withLock { $0.append(event) } }
        }
    }

    var events: [ScannerEvent] { record.events.withLock { $0 } }
    var lines: [String] { record.lines.withLock { $0 } }
    var scans: [String] {
        events.compactMap { if case .scan(let s) = $0 { s.text } else { nil } }
    }

    /// How long a wait may take before the test gives up (nanoseconds): long, because it only
    /// bounds a failure; the suite's first seconds on two cores once took a 10 s window.
    static let patience: UInt64 = 30_000_000_000

    static func makeFIFO(_ path: String) throws {
        guard mkfifo(path, 0o600) == 0 else { throw SystemError(errno, call: "mkfifo") }
    }

    /// Opens the FIFO for writing once the reader has it open (blocking writes after that).
    func openWriter() throws -> Int32 {
        let deadline = monotonicNanoseconds() + Self.patience
        while true {
            let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFL, 0)
                return fd
            }
            let code = errno
            guard code == ENXIO || code == ENOENT, monotonicNanoseconds() < deadline else {
                throw SystemError(code, call: "open(\(path)) for writing")
            }
            usleep(2_000)
        }
    }

    /// Writes all bytes (blocking).
    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }

    /// Waits (``patience`` at most, to never hang) until `condition` holds on the events so far.
    @discardableResult
    func waitFor(_ condition: ([ScannerEvent]) -> Bool) async -> Bool {
        let deadline = monotonicNanoseconds() + Self.patience
        while monotonicNanoseconds() < deadline {
            if condition(events) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition(events)
    }

    /// Waits (``patience`` at most) until `count` log lines match `condition`.
    @discardableResult
    func waitForLine(count: Int = 1, _ condition: (String) -> Bool) async -> Bool {
        let deadline = monotonicNanoseconds() + Self.patience
        while monotonicNanoseconds() < deadline {
            if lines.filter(condition).count >= count { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return lines.filter(condition).count >= count
    }

    /// Waits until `count` scans have arrived.
    @discardableResult
    func waitForScans(_ count: Int) async -> [String] {
        await waitFor { events in events.filter { if case .scan = $0 { true } else { false } }.count >= count }
        return scans
    }

    func shutDown() async {
        scanner.stop()
        await consumer.value
        try? FileManager.default.removeItem(atPath: folder)
    }
}

/// The records a scanner sends for `text` (+ Enter) with `keymap`.
func keystrokes(_ text: String, keymap: Keymap, altCodes: ScannerKeystrokes.AltCodes = .whenNeeded, enter: Bool = true)
    throws
    -> [UInt8]
{
    InputEvent.records(try ScannerKeystrokes(keymap: keymap, altCodes: altCodes).events(for: text, enter: enter))
}

/// What a rig's scanner reported.
final class ScannerRecord: Sendable {
    let events = Mutex<[ScannerEvent]>([])
    let lines = Mutex<[String]>([])
}
