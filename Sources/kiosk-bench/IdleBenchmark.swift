import Foundation
import KioskCentral
import KioskConfig
import KioskDevices
import KioskEmulators
import KioskProtocol
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk-bench idle`: a real `kioskd` process on emulated hardware (a pseudo-terminal
/// printer, a serial scanner on a second pseudo-terminal, a loopback central server in this
/// process): the time from spawning it to its `READY=1`, its resident memory when idle, and
/// after one intake, with the mappings that hold that memory (from `/proc/PID/smaps`).
///
///     kiosk-bench idle [--kioskd PATH] [--starts N] [--settle SECONDS] [--profile NAME] [--mappings N]
///
/// `--kioskd` defaults to the `kioskd` next to this executable (so a release kiosk-bench
/// measures a release kioskd). The first start creates the database; READY is reported for it
/// apart and as the median of the other starts (an installed kiosk starts on its database).
/// The binary's pages are dropped from the page cache first, as after a kiosk's boot: a binary
/// copied or linked moments ago sits in the cache in a way that adds about 0.8 MiB to its
/// resident pages (docs/memory.md).
func runIdleBenchmark(arguments: [String]) async throws {
    var list = ArgumentList(arguments)
    let ownDirectory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    let kioskd = try list.option("--kioskd") ?? ownDirectory.path + "/kioskd"
    let starts = max(2, Int(try list.option("--starts") ?? "6") ?? 6)
    let settle = Double(try list.option("--settle") ?? "3") ?? 3
    let profileName = try list.option("--profile") ?? "epson-tm-t20iii"
    let mappingCount = Int(try list.option("--mappings") ?? "12") ?? 12
    try list.expectEnd()
    guard FileManager.default.isExecutableFile(atPath: kioskd) else {
        throw BenchUsage(
            "idle: no kioskd at \(kioskd) (build it: swift build -c release --product kioskd, or pass --kioskd)")
    }

    evictFromPageCache(kioskd)
    let directory = NSTemporaryDirectory() + "kiosk-bench-idle-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let kioskId = "BENCH-IDLE-01"
    let key = Array("kiosk-bench idle key, 32 bytes or more".utf8)
    try Data(key).write(to: URL(fileURLWithPath: directory + "/central.key"))
    chmod(directory + "/central.key", 0o600)
    let central = try CentralServer(
        configuration: .init(databasePath: directory + "/central.db", kiosks: [kioskId: try KioskKey(bytes: key)]))
    try central.start()
    defer { central.stop() }
    let printer = try EmulatedPrinter(
        profile: try HardwareData.printerProfile(named: profileName), devicePath: directory + "/printer")
    let scanner = try PseudoTerminal()
    try scanner.publish(at: directory + "/scanner")
    guard let examples = HardwareData.directory("examples") else {
        throw BenchUsage("idle: Hardware/examples not found")
    }
    let config = """
        [Kiosk]
        Id=\(kioskId)
        Office=Bưu điện huyện Văn Yên
        StateDirectory=\(directory)/state
        Procedures=\(examples)/procedures.conf
        Holidays=\(examples)/holidays.conf
        CodePrefix=BENCH
        LogLevel=warning
        [Printer]
        Device=\(directory)/printer
        Profile=\(profileName)
        Baud=115200
        FlowControl=none
        [Scanner]
        Device=\(directory)/scanner
        Mode=serial
        Grab=no
        [Central]
        URL=http://127.0.0.1:\(central.port)
        KeyFile=\(directory)/central.key
        [Control]
        Socket=\(directory)/control.sock

        """
    try Data(config.utf8).write(to: URL(fileURLWithPath: directory + "/kiosk.conf"))
    let notify = try NotifySocket(path: directory + "/notify.sock")

    var readyTimes: [Double] = []
    var idle: ProcessMemory?
    var afterIntake: ProcessMemory?
    var mappings: [MappingMemory] = []
    for start in 0..<starts {
        let process = ChildProcess(kioskd, ["--config", directory + "/kiosk.conf"])
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        environment["KIOSK_DATA_DIR"] = HardwareData.root.path
        process.environment = environment
        process.standardOutput = .null
        // Its log (warnings only) goes to a file, shown if it never gets ready.
        _ = FileManager.default.createFile(atPath: directory + "/kioskd.log", contents: nil)
        let log = FileHandle(forWritingAtPath: directory + "/kioskd.log")
        process.standardError = log.map { .descriptor($0.fileDescriptor) } ?? .null
        let spawned = ContinuousClock.now
        try process.run()
        try? log?.close()
        guard let ready = notify.wait(for: "READY=1", timeout: .seconds(30)) else {
            process.send(SIGTERM)
            process.waitUntilExit()
            let log = (try? String(contentsOfFile: directory + "/kioskd.log", encoding: .utf8)) ?? ""
            throw BenchUsage("idle: kioskd sent no READY=1 within 30 s; its log:\n\(log)")
        }
        readyTimes.append(milliseconds(ready - spawned))
        if start == starts - 1 {
            try await Task.sleep(for: .seconds(settle))
            let pid = process.processIdentifier
            idle = ProcessMemory(pid: pid)
            mappings = MappingMemory.read(pid: pid)
            // One intake: an ID card, then a procedure code; the receipt at the emulated printer.
            let before = printer.receipts.count
            scanner.writeMaster(
                Array(
                    "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái|01022021\r"
                        .utf8))
            try await Task.sleep(for: .milliseconds(300))
            scanner.writeMaster(Array("1.001234\r".utf8))
            let got = await printer.waitForReceipts(count: before + 1, timeout: .seconds(30)).count - before
            guard got > 0 else { throw BenchUsage("idle: the intake printed no receipt within 30 s") }
            try await Task.sleep(for: .seconds(settle))
            afterIntake = ProcessMemory(pid: pid)
        }
        process.send(SIGTERM)
        process.waitUntilExit()
    }
    await printer.stop()
    notify.close()

    let warm = readyTimes.dropFirst().sorted()
    print("kioskd: \(kioskd)")
    print("profile: \(profileName); forwarding to a loopback central; scanner serial; printer emulated")
    print(
        String(
            format:
                "READY (spawn to READY=1): first start (new database) %.1f ms; next %d starts median %.1f ms (min %.1f, max %.1f)",
            readyTimes[0], warm.count, warm[warm.count / 2], warm.first ?? 0, warm.last ?? 0))
    if let idle { print("idle \(Int(settle)) s after READY: " + idle.line) }
    if let afterIntake { print("after one intake (+\(Int(settle)) s): " + afterIntake.line) }
    print("largest mappings when idle (KiB): Rss, Pss, Private_Dirty")
    for m in mappings.prefix(mappingCount) {
        print(
            "  " + String(repeating: " ", count: max(0, 7 - "\(m.rss)".count)) + "\(m.rss)  "
                + String(repeating: " ", count: max(0, 7 - "\(m.pss)".count)) + "\(m.pss)  "
                + String(repeating: " ", count: max(0, 7 - "\(m.privateDirty)".count)) + "\(m.privateDirty)  \(m.name)")
    }
    let total = mappings.reduce(0) { $0 + $1.rss }
    let libraries = mappings.filter { $0.name.contains(".so") }
    print(
        "  total \(total) KiB; shared libraries \(libraries.reduce(0) { $0 + $1.rss }) KiB Rss, "
            + "\(libraries.reduce(0) { $0 + $1.privateDirty }) KiB of it private dirty (relocations)")
}

/// Writes back and drops `path`'s pages from the page cache (`posix_fadvise(DONTNEED)` on
/// that file only), so the next start reads it as a kiosk does after booting.
private func evictFromPageCache(_ path: String) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return }
    defer { close(fd) }
    _ = fsync(fd)
    _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
}

private func milliseconds(_ d: Duration) -> Double {
    d.totalSeconds * 1000
}

/// The whole of a `/proc` file (whose size `stat` gives as 0, so it is read to its end).
func procFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        bytes += buffer[0..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Resident memory of a process from `/proc/PID/status` and `smaps_rollup`, in KiB.
struct ProcessMemory {
    var fields: [String: Int] = [:]

    init(pid: Int32) {
        for file in ["status", "smaps_rollup"] {
            guard let text = procFile("/proc/\(pid)/\(file)") else { continue }
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, let value = Int(parts[1].split(whereSeparator: \.isWhitespace).first ?? "")
                else { continue }
                fields[file + "." + parts[0]] = value
            }
        }
    }

    func mib(_ key: String) -> String { String(format: "%.1f", Double(fields[key] ?? 0) / 1024) }

    var line: String {
        "VmRSS \(mib("status.VmRSS")) MiB (anon \(mib("status.RssAnon")), file \(mib("status.RssFile"))), "
            + "Pss \(mib("smaps_rollup.Pss")) MiB, private dirty \(mib("smaps_rollup.Private_Dirty")) MiB"
    }
}

/// Resident memory per mapped file (or `[heap]`, `[anon]`), summed over its mappings.
struct MappingMemory {
    var name: String
    var rss = 0
    var pss = 0
    var privateDirty = 0

    static func read(pid: Int32) -> [MappingMemory] {
        guard let text = procFile("/proc/\(pid)/smaps") else { return [] }
        var byName: [String: MappingMemory] = [:]
        var current = "[anon]"
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.contains("-") && !first.hasSuffix(":") {
                // Header: address perms offset dev inode [path]
                current = fields.count >= 6 ? fields[5...].joined(separator: " ") : "[anon]"
                if current.hasPrefix("/") { current = String(current.split(separator: "/").last ?? "") }
                continue
            }
            guard fields.count >= 2, let value = Int(fields[1]) else { continue }
            switch first {
            case "Rss:": byName[current, default: MappingMemory(name: current)].rss += value
            case "Pss:": byName[current, default: MappingMemory(name: current)].pss += value
            case "Private_Dirty:": byName[current, default: MappingMemory(name: current)].privateDirty += value
            default: break
            }
        }
        return byName.values.sorted { ($0.rss, $0.name) > ($1.rss, $1.name) }
    }
}

/// The datagram socket kioskd's `NOTIFY_SOCKET` names (systemd's side of `sd_notify`).
final class NotifySocket {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError(errno, call: "socket(AF_UNIX)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8) + [0]
        guard bytes.count <= MemoryLayout.size(ofValue: address.sun_path) else {
            throw BenchUsage("idle: socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw SystemError(errno, call: "bind(\(path))") }
    }

    /// The instant the first message containing `text` arrived, or nil after `timeout`.
    func wait(for text: String, timeout: Duration) -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while ContinuousClock.now < deadline {
            let outcome = try? waitForDescriptor(fd, until: MonotonicDeadline(after: .milliseconds(100)))
            guard case .ready = outcome else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            let now = ContinuousClock.now
            if n > 0, String(decoding: buffer[0..<n], as: UTF8.self).contains(text) { return now }
        }
        return nil
    }

    func close() { _ = Glibc.close(fd) }
}
