import Foundation
import KioskCentral
import KioskConfig
import KioskDevices
import KioskEmulators
import KioskProtocol
import KioskService
import KioskStore
import KioskSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk-bench intake`: scan-to-first-byte. The whole service runs in this process on a FIFO
/// scanner and a pseudo-terminal printer whose far end answers `DLE EOT n` and `GS r n` at once
/// (so the printer's own think time is zero), pushes Automatic Status Back when asked (`GS a`),
/// and timestamps the first receipt byte. Measured: from the procedure scan's Enter record
/// written to the FIFO to that first byte; and each receipt's time from first byte to cut
/// against its wire time at the configured baud.
///
/// Options: `--asb` prints on the Epson TM-T88V profile, whose link enables Automatic Status
/// Back (without it: the TM-T20III profile, status asked with `DLE EOT`); `--back-to-back`
/// scans the next citizen as soon as the previous receipt is cut, without waiting for the
/// job's check to settle, and reports intakes per second (scan of the first to the last job
/// settled); `--no-status` turns status off. `kiosk-bench all` runs `--count 1000 --json`
/// with and without `--asb`, and `--back-to-back`.
func runIntakeBenchmark(arguments: [String]) async throws {
    var count = 1000
    var json = false
    var status = true
    var automaticStatus = false
    var backToBack = false
    var verbose = false
    var index = 0
    while index < arguments.count {
        switch arguments[index] {
        case "--count":
            index += 1
            guard index < arguments.count, let n = Int(arguments[index]), n > 0 else {
                throw BenchUsage("intake: --count needs a positive number")
            }
            count = n
        case "--json": json = true
        case "--no-status": status = false
        case "--asb": automaticStatus = true
        case "--back-to-back": backToBack = true
        case "--verbose": verbose = true
        default: throw BenchUsage("intake: unknown argument \(arguments[index])")
        }
        index += 1
    }
    let directory = NSTemporaryDirectory() + "kiosk-bench-intake-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    guard let examples = HardwareData.directory("examples") else {
        throw BenchUsage("intake: Hardware/examples not found")
    }

    let printer = try InstantPrinter(directory: directory)
    guard mkfifo(directory + "/scanner", 0o600) == 0 else { throw BenchUsage("intake: mkfifo failed") }
    let scanner = open(directory + "/scanner", O_RDWR | O_CLOEXEC)
    let config = """
        [Kiosk]
        Id=BENCH-01
        Office=Bưu điện huyện Văn Yên
        StateDirectory=\(directory)/state
        Procedures=\(examples)/procedures.conf
        CodePrefix=BENCH
        LogLevel=warning
        [Printer]
        Device=\(directory)/printer
        Baud=115200
        FlowControl=rtscts
        Profile=\(automaticStatus ? "epson-tm-t88v" : "epson-tm-t20iii")
        Status=\(status ? "yes" : "no")
        [Scanner]
        Device=\(directory)/scanner
        Mode=evdev
        Grab=no
        [Control]
        Socket=\(directory)/control.sock

        """
    try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/kiosk.conf"))
    guard case .success(let setup) = ServiceSetup.load(path: directory + "/kiosk.conf") else {
        throw BenchUsage("intake: the bench configuration does not load")
    }
    let keystrokes = ScannerKeystrokes(keymap: setup.keymap, altCodes: .whenNeeded)
    let card = InputEvent.records(
        try keystrokes.events(
            for: "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái|01022021"))
    let procedure = InputEvent.records(try keystrokes.events(for: "1.001234"))

    let service = KioskService(
        setup: setup, logger: Logger(minimum: verbose ? .info : .error), notifier: SystemdNotifier(socketPath: nil))
    let signals = ServiceSignals()
    let running = Task { await service.run(signals: signals) }
    try await Task.sleep(for: .seconds(1))
    let observer = try KioskStore(path: directory + "/state/kiosk.db")

    var firstByte: [Double] = []
    var receiptTime: [Double] = []
    var wireTime: [Double] = []
    let started = monotonicNanoseconds()
    for round in 0..<count {
        write(scanner, card)
        try await Task.sleep(for: .milliseconds(5))
        let before = printer.receipts
        let sent = monotonicNanoseconds()
        write(scanner, procedure)
        guard let receipt = await printer.waitForReceipt(after: before, timeout: .seconds(10)) else {
            throw BenchUsage("intake: no receipt within 10 s at intake \(round + 1) (--verbose logs why)")
        }
        firstByte.append(Double(Int64(receipt.first) - Int64(sent)) / 1e6)
        receiptTime.append(Double(receipt.cut - receipt.first) / 1e6)
        wireTime.append(Double(receipt.bytes * 10) / 115_200 * 1000)
        // Intakes are minutes apart at a kiosk: let the print queue finish this job (its
        // after-job status check) before the next citizen scans. Back to back, the next
        // citizen scans as soon as the receipt is cut.
        if !backToBack {
            while try await observer.pendingPrintJobs().count > 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
    }
    while try await observer.pendingPrintJobs().count > 0 { try await Task.sleep(for: .milliseconds(1)) }
    let elapsedSeconds = Double(monotonicNanoseconds() - started) / 1e9
    signals.requestStop(signal: 0)
    _ = await running.value
    printer.stop()

    func pct(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }
    var results: [(String, Double)] = [
        ("scan_to_first_byte_p50_ms", pct(firstByte, 0.5)), ("scan_to_first_byte_p99_ms", pct(firstByte, 0.99)),
        ("scan_to_first_byte_max_ms", pct(firstByte, 1)),
        ("receipt_first_byte_to_cut_p50_ms", pct(receiptTime, 0.5)), ("receipt_wire_time_ms", pct(wireTime, 0.5)),
    ]
    if backToBack { results.append(("intakes_per_second", Double(count) / elapsedSeconds)) }
    let requests = printer.statusRequests
    if json {
        var writer = JSONWriter()
        writer.object { o in
            // Milliseconds to the microsecond, as the text form prints them.
            for (name, value) in results {
                o.key(text: name)
                o.value((value * 1000).rounded() / 1000)
            }
            o.member("intakes", count)
            o.member("status_queries", status)
            o.member("automatic_status_back", automaticStatus)
            o.member("back_to_back", backToBack)
            o.member("dle_eot_requests", requests)
        }
        print(String(decoding: writer.bytes, as: UTF8.self))
    } else {
        print(
            "intakes: \(count)\(backToBack ? " back to back" : ""), printer status queries: "
                + "\(status ? "yes (answered at once)" : "no"), Automatic Status Back: \(automaticStatus ? "on" : "off")"
        )
        for (name, value) in results { print(String(format: "%-36@ %8.3f", name as NSString, value)) }
        print(String(format: "%-36@ %8d", "dle_eot_requests" as NSString, requests))
    }
}

private func write(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n <= 0 { return }
        offset += n
    }
}

/// A printer that thinks in zero time: answers every `DLE EOT n` with "online, no fault" at
/// once, answers the buffered `GS r n` the link sends after each job with "paper present"
/// (nothing is buffered here, so at once), sends its first Automatic Status Back message
/// ("ready") when `GS a n` enables it, and timestamps the first byte and the cut of each
/// receipt.
final class InstantPrinter: Sendable {
    struct Receipt: Sendable {
        var first: UInt64
        var cut: UInt64
        var bytes: Int
    }
    final class Shared: Sendable {
        let state = Mutex<(receipts: [Receipt], running: Bool, statusRequests: Int)>(([], true, 0))
    }
    private let shared = Shared()
    private let master: Int32

    init(directory: String) throws {
        let pty = try PseudoTerminal()
        try pty.publish(at: directory + "/printer")
        master = dup(pty.masterDescriptor)
        let master = self.master
        let shared = self.shared
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            var first: UInt64?
            var count = 0
            var pendingDLE = 0  // 0: none, 1: saw DLE, 2: saw DLE EOT
            var cutTail = 0  // bytes of GS V's parameters still to skip
            var statusRequest = 0  // 1: saw GS, 2: saw GS r
            var firstSetByGS = false
            while shared.state.withLock({ $0.running }) {
                let outcome = try? waitForDescriptor(master, until: MonotonicDeadline(after: .milliseconds(100)))
                guard case .ready = outcome else { continue }
                let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
                guard n > 0 else { continue }
                let now = monotonicNanoseconds()
                var i = 0
                while i < n {
                    let b = buffer[i]
                    if cutTail > 0 {
                        // GS V m [n]: m is 0, 1, 48, 49 alone, or 65, 66 followed by n.
                        cutTail = cutTail == 2 && b >= 65 ? 1 : 0
                        i += 1
                        continue
                    }
                    switch (pendingDLE, b) {
                    case (0, 0x10): pendingDLE = 1
                    case (1, 0x04): pendingDLE = 2
                    case (2, _):
                        pendingDLE = 0
                        shared.state.withLock { $0.statusRequests += 1 }
                        var answer: UInt8 = 0x12
                        if b == 1 { answer = 0x16 }
                        _ = withUnsafeBytes(of: &answer) { Glibc.write(master, $0.baseAddress, 1) }
                    case (_, 0x72) where statusRequest == 1:
                        // GS r: not receipt data (it follows the cut).
                        statusRequest = 2
                        if firstSetByGS {
                            first = nil
                            count = 0
                        }
                    case (_, _) where statusRequest == 2:
                        statusRequest = 0
                        var answer: UInt8 = 0x00
                        _ = withUnsafeBytes(of: &answer) { Glibc.write(master, $0.baseAddress, 1) }
                    case (_, 0x61) where statusRequest == 1:
                        // GS a n: Automatic Status Back, sent when the link connects.
                        statusRequest = 3
                        if firstSetByGS {
                            first = nil
                            count = 0
                        }
                    case (_, _) where statusRequest == 3:
                        statusRequest = 0
                        if b != 0 {
                            let ready: [UInt8] = [0x10, 0x00, 0x00, 0x00]
                            _ = ready.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
                        }
                    default:
                        if pendingDLE == 1 { count += 1 }
                        pendingDLE = 0
                        statusRequest = b == 0x1D ? 1 : 0
                        if b == 0x1D { firstSetByGS = first == nil }
                        if first == nil { first = now }
                        count += 1
                        // GS V: the cut ends the receipt.
                        if b == 0x56, i > 0, buffer[i - 1] == 0x1D, let start = first {
                            shared.state.withLock { $0.receipts.append(Receipt(first: start, cut: now, bytes: count)) }
                            first = nil
                            count = 0
                            cutTail = 2
                        }
                    }
                    i += 1
                }
            }
        }
        thread.start()
        withExtendedLifetime(pty) {}
    }

    var receipts: Int { shared.state.withLock { $0.receipts.count } }

    /// `DLE EOT n` requests received so far.
    var statusRequests: Int { shared.state.withLock { $0.statusRequests } }

    func waitForReceipt(after count: Int, timeout: Duration) async -> Receipt? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let r = shared.state.withLock({ $0.receipts.count > count ? $0.receipts[count] : nil }) { return r }
            try? await Task.sleep(for: .microseconds(200))
        }
        return nil
    }

    func stop() { shared.state.withLock { $0.running = false } }
}
