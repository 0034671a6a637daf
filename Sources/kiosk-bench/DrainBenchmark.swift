import Foundation
import KioskCentral
import KioskDomain
import KioskForwarding
import KioskProtocol
import KioskStore
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kiosk-bench drain`: how fast a backlog drains to a loopback `kiosk-central`, and how much
/// memory the kiosk side needs while it does.
///
/// For each batch size: a new kiosk store is filled with `--events` realistic
/// `dossier.received` events (about 1 KB of data each, in transactions of 1,000), then the
/// real forwarder drains it through the real HTTP transport to a central server on loopback.
///
/// The central server runs in a child process (this executable re-run with
/// `--central-server-child`) so the kiosk side's resident memory is measured alone: the
/// peak (`VmHWM`, reset through `/proc/self/clear_refs` after the fill so it covers the
/// drain only) and `VmRSS` sampled every 100 ms during the drain. `--in-process` runs the
/// server in this process instead (memory figures then include it).
///
/// Options: `--events N` (100000), `--batch-sizes 100,500`, `--json`, `--in-process`,
/// `--directory DIR` (a temporary one by default, removed afterwards).
func runDrainBenchmark(arguments: [String]) async throws {
    if let index = arguments.firstIndex(of: "--central-server-child") {
        try runCentralChild(Array(arguments[(index + 1)...]))
        return
    }
    let options = try DrainOptions(arguments)
    var results: [DrainResult] = []
    for batchSize in options.batchSizes {
        results.append(try await drainOnce(batchSize: batchSize, options: options, arguments: arguments))
    }
    if options.json {
        print(try JSONDocumentEncoder(prettyPrinted: true).encodeToString(results))
    } else {
        for r in results {
            print(
                """
                drain: \(r.events) events, batch \(r.batchSize), server \(r.serverInProcess ? "in process" : "child process")
                  fill:  \(fmt(r.fillSeconds)) s (\(Int(r.fillEventsPerSecond)) events/s, durable)
                  drain: \(fmt(r.drainSeconds)) s = \(Int(r.eventsPerSecond)) events/s, \(r.requests) requests
                    in round trips to central \(fmt(r.roundTripSeconds)) s, kiosk side \(fmt(r.kioskSideSeconds)) s (\(Int(Double(r.events) / r.kioskSideSeconds)) events/s)
                  kiosk memory during drain: peak \(fmt(r.peakRSSMiB)) MiB (VmHWM), RSS \(fmt(r.rssStartMiB)) → max \(fmt(r.rssMaxSampledMiB)) → end \(fmt(r.rssEndMiB)) MiB (\(r.rssSamples) samples)
                  central memory peak: \(r.centralPeakMiB.map { fmt($0) + " MiB" } ?? "n/a")
                  CPU during drain: kiosk \(fmt(r.kioskCPUSeconds)) s, central \(r.centralCPUSeconds.map { fmt($0) + " s" } ?? "n/a (in process)")
                  bytes written during drain (write/pwrite calls): kiosk \(fmt(r.kioskWrittenMiB)) MiB, central \(r.centralWrittenMiB.map { fmt($0) + " MiB" } ?? "n/a (in process)")
                """)
        }
    }
}

/// One run's figures.
struct DrainResult: Codable {
    var events: Int
    var batchSize: Int
    var serverInProcess: Bool
    var fillSeconds: Double
    var fillEventsPerSecond: Double
    var drainSeconds: Double
    var eventsPerSecond: Double
    var requests: Int
    var peakRSSMiB: Double
    var rssStartMiB: Double
    var rssMaxSampledMiB: Double
    var rssEndMiB: Double
    var rssSamples: Int
    var centralPeakMiB: Double?
    /// Bytes this process passed to write calls during the drain (`wchar` of /proc/self/io):
    /// the outbox's WAL and checkpoints, in MiB.
    var kioskWrittenMiB: Double
    /// The same for the central server child (nil when it runs in process).
    var centralWrittenMiB: Double?
    /// User + system CPU seconds of this process during the drain (what the machine's load
    /// does not change, unlike the wall-clock figures).
    var kioskCPUSeconds: Double
    /// The same for the central server child (nil when it runs in process).
    var centralCPUSeconds: Double?
    /// Time spent in HTTP round trips (the transport + the server's work).
    var roundTripSeconds: Double
    /// The rest of the drain: reading the outbox, building bodies, reading answers, marking
    /// delivered (the kiosk's own cost).
    var kioskSideSeconds: Double
}

struct DrainOptions {
    var events = 100_000
    var batchSizes = [100, 500]
    var json = false
    var inProcess = false
    var directory: String?

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--events":
                guard let value = rest.popFirst().flatMap(Int.init), value > 0 else {
                    throw usage("--events needs a positive number")
                }
                events = value
            case "--batch-sizes":
                guard let value = rest.popFirst() else { throw usage("--batch-sizes needs a list like 100,500") }
                batchSizes = value.split(separator: ",").compactMap { Int($0) }.filter { (1...500).contains($0) }
                if batchSizes.isEmpty { throw usage("--batch-sizes: sizes are 1…500") }
            case "--json": json = true
            case "--in-process": inProcess = true
            case "--directory":
                guard let value = rest.popFirst() else { throw usage("--directory needs a path") }
                directory = value
            case "drain": continue
            default: throw usage("unknown option \(argument)")
            }
        }
    }
}

struct DrainBenchmarkError: Error, CustomStringConvertible {
    var description: String
}

private func usage(_ text: String) -> DrainBenchmarkError {
    DrainBenchmarkError(
        description:
            "drain: \(text)\nusage: kiosk-bench drain [--events N] [--batch-sizes 100,500] [--json] [--in-process] [--directory DIR]"
    )
}

private let benchKioskId = "BENCH-KIOSK-01"
private let benchKey: [UInt8] = Array("kiosk-bench drain key, 32 bytes or more".utf8)

private func drainOnce(batchSize: Int, options: DrainOptions, arguments: [String]) async throws -> DrainResult {
    let base = options.directory ?? NSTemporaryDirectory()
    let directory = base + "/kiosk-drain-\(batchSize)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { if options.directory == nil { try? FileManager.default.removeItem(atPath: directory) } }
    let key = try KioskKey(bytes: benchKey)

    // The central server.
    var inProcessServer: CentralServer?
    var child: ChildProcess?
    let port: Int
    if options.inProcess {
        let server = try CentralServer(
            configuration: .init(databasePath: directory + "/central.sqlite", kiosks: [benchKioskId: key]))
        try server.start()
        inProcessServer = server
        port = server.port
    } else {
        (child, port) = try startCentralChild(directory: directory, arguments: arguments)
    }
    defer {
        inProcessServer?.stop()
        if let child, child.isRunning {
            child.send(SIGTERM)
            child.waitUntilExit()
        }
    }

    // Fill the store.
    let store = try KioskStore(path: directory + "/kiosk.sqlite")
    let clock = ContinuousClock()
    let fillStart = clock.now
    let occurredAt = Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970))
    var written = 0
    while written < options.events {
        let chunk = min(1000, options.events - written)
        _ = try await store.appendEvents(
            (written..<written + chunk).map {
                (type: "dossier.received", data: benchDossier($0), occurredAt: occurredAt)
            })
        written += chunk
    }
    let fillSeconds = seconds(clock.now - fillStart)

    // Drain.
    let transport = TimedTransport(CentralHTTPTransport(configuration: .init(timeout: 30)))
    let client = CentralClient(
        baseURL: "http://127.0.0.1:\(port)", signer: RequestSigner(kioskId: benchKioskId, key: key),
        transport: transport)
    let forwarder = Forwarder(store: store, client: client, configuration: ForwarderConfiguration(batchSize: batchSize))
    let childPid = child?.processIdentifier
    let kioskWrittenBefore = writtenBytes(pid: nil)
    let centralWrittenBefore = childPid.flatMap { writtenBytes(pid: $0) }
    let kioskCPUBefore = cpuSeconds(pid: nil)
    let centralCPUBefore = childPid.flatMap { cpuSeconds(pid: $0) }
    resetPeakRSS()
    let sampler = RSSSampler()
    let rssStart = memoryKiB("VmRSS") ?? 0
    let drainStart = clock.now
    try await forwarder.drain()
    let drainSeconds = seconds(clock.now - drainStart)
    let samples = sampler.stop()
    let peak = memoryKiB("VmHWM") ?? 0
    let rssEnd = memoryKiB("VmRSS") ?? 0
    let kioskWritten = (writtenBytes(pid: nil) ?? 0) - (kioskWrittenBefore ?? 0)
    var centralWritten: Double?
    let kioskCPU = (cpuSeconds(pid: nil) ?? 0) - (kioskCPUBefore ?? 0)
    var centralCPU: Double?
    if let childPid, let before = centralCPUBefore, let after = cpuSeconds(pid: childPid) {
        centralCPU = after - before
    }
    if let childPid, let before = centralWrittenBefore, let after = writtenBytes(pid: childPid) {
        centralWritten = after - before
    }

    let status = await forwarder.status
    let summary = try await store.summary()
    guard summary.pending == 0, status.totalDelivered == options.events else {
        throw DrainBenchmarkError(
            description:
                "drain: \(summary.pending) events still pending, \(status.totalDelivered) delivered; last error: \(status.lastError ?? "none")"
        )
    }
    var centralPeak: Double?
    if let child { centralPeak = memoryKiB("VmHWM", pid: child.processIdentifier).map { $0 / 1024 } }
    let requests = transport.requests
    await store.close()
    return DrainResult(
        events: options.events, batchSize: batchSize, serverInProcess: options.inProcess, fillSeconds: fillSeconds,
        fillEventsPerSecond: Double(options.events) / fillSeconds, drainSeconds: drainSeconds,
        eventsPerSecond: Double(options.events) / drainSeconds, requests: requests, peakRSSMiB: peak / 1024,
        rssStartMiB: rssStart / 1024, rssMaxSampledMiB: (samples.max() ?? rssEnd) / 1024, rssEndMiB: rssEnd / 1024,
        rssSamples: samples.count, centralPeakMiB: centralPeak, kioskWrittenMiB: kioskWritten / 1_048_576,
        centralWrittenMiB: centralWritten.map { $0 / 1_048_576 }, kioskCPUSeconds: kioskCPU,
        centralCPUSeconds: centralCPU,
        roundTripSeconds: transport.seconds, kioskSideSeconds: drainSeconds - transport.seconds)
}

// MARK: - The central server as a child process

/// Re-runs this executable with the same leading arguments (whatever `main.swift` routes to
/// the drain benchmark) plus `--central-server-child DIR`; the child writes its port to
/// `DIR/central.port`.
private func startCentralChild(directory: String, arguments: [String]) throws -> (ChildProcess, Int) {
    let all = CommandLine.arguments
    let prefix = all.count >= arguments.count ? Array(all.dropFirst().dropLast(arguments.count)) : []
    let process = ChildProcess("/proc/self/exe", prefix + ["--central-server-child", directory])
    try process.run()
    let portFile = directory + "/central.port"
    for _ in 0..<500 {
        if let text = try? String(contentsOfFile: portFile, encoding: .utf8),
            let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            return (process, port)
        }
        if !process.isRunning { break }
        usleep(10_000)
    }
    process.send(SIGTERM)
    throw DrainBenchmarkError(description: "drain: the central server child did not start (no \(portFile))")
}

private func runCentralChild(_ arguments: [String]) throws {
    guard let directory = arguments.first else { throw usage("--central-server-child needs a directory") }
    let server = try CentralServer(
        configuration: .init(
            databasePath: directory + "/central.sqlite", kiosks: [benchKioskId: try KioskKey(bytes: benchKey)]))
    try server.start()
    let temporary = directory + "/central.port.tmp"
    try "\(server.port)\n".write(toFile: temporary, atomically: false, encoding: .utf8)
    rename(temporary, directory + "/central.port")
    // Serve until the parent terminates us (SIGTERM's default action ends the process).
    while true { sleep(3600) }
}

// MARK: - Timing

/// Counts requests and adds up the time spent in them.
///
/// `@unchecked Sendable`: the totals are guarded by `lock`.
private final class TimedTransport: HTTPTransport, @unchecked Sendable {
    private let inner: CentralHTTPTransport
    private let lock = NSLock()
    private var total: Duration = .zero
    private var count = 0

    init(_ inner: CentralHTTPTransport) {
        self.inner = inner
    }

    func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, TransportError> {
        let start = ContinuousClock.now
        let result = await inner.perform(request)
        let elapsed = ContinuousClock.now - start
        lock.withLock {
            total += elapsed
            count += 1
        }
        return result
    }

    var seconds: Double { lock.withLock { benchSeconds(total) } }
    var requests: Int { lock.withLock { count } }
}

private func benchSeconds(_ duration: Duration) -> Double { duration.totalSeconds }

// MARK: - Memory

/// A `/proc/<pid>/status` field in KiB (`VmRSS`, `VmHWM`).
private func memoryKiB(_ field: String, pid: Int32? = nil) -> Double? {
    let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        return Double(line.split(separator: " ").dropFirst().first { !$0.isEmpty }.map(String.init) ?? "")
    }
    return nil
}

/// User + system CPU seconds of a process so far (fields 14 and 15 of `/proc/<pid>/stat`).
private func cpuSeconds(pid: Int32?) -> Double? {
    let path = pid.map { "/proc/\($0)/stat" } ?? "/proc/self/stat"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8), let close = text.lastIndex(of: ")") else {
        return nil
    }
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Bytes a process has passed to write calls so far (`wchar` of `/proc/<pid>/io`).
private func writtenBytes(pid: Int32?) -> Double? {
    let path = pid.map { "/proc/\($0)/io" } ?? "/proc/self/io"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix("wchar:") {
        return Double(line.dropFirst("wchar:".count).trimmingCharacters(in: .whitespaces))
    }
    return nil
}

/// Resets `VmHWM` to the current RSS (Linux ≥ 4.0: `echo 5 > /proc/self/clear_refs`).
private func resetPeakRSS() {
    let fd = open("/proc/self/clear_refs", O_WRONLY)
    guard fd >= 0 else { return }
    _ = write(fd, "5", 1)
    close(fd)
}

/// Samples `VmRSS` every 100 ms on a thread of its own until stopped.
///
/// `@unchecked Sendable`: `samples` and `running` are guarded by `lock`.
private final class RSSSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var samples: [Double] = []
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init() {
        Thread { [self] in
            while lock.withLock({ running }) {
                if let rss = memoryKiB("VmRSS") { lock.withLock { samples.append(rss) } }
                usleep(100_000)
            }
            done.signal()
        }.start()
    }

    func stop() -> [Double] {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { samples }
    }
}

// MARK: - Data

private func seconds(_ duration: Duration) -> Double { duration.totalSeconds }

private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

/// A realistic dossier.received payload, about 1 KB (fictitious applicant).
private func benchDossier(_ i: Int) -> [UInt8] {
    let serial = String(format: "%04d", i % 10000)
    let text = """
        {"code":"YBVY01-261121-\(serial)-K","procedure":{"code":"1.001234","name":"Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam"},\
        "applicant":{"idNumber":"0010940\(String(format: "%05d", i % 100000))","name":"Nguyễn Thị Minh Khai Phương","birthDate":"1995-03-14","gender":"Nữ",\
        "address":"Số nhà 17, ngõ 42, tổ dân phố 3, thị trấn Mậu A, huyện Văn Yên, tỉnh Yên Bái"},\
        "receivedAt":"2026-11-21T09:15:02+07:00","dueDate":"2026-11-28","fee":{"amount":200000,"currency":"VND"},\
        "delivery":{"method":"post","address":"Số nhà 17, ngõ 42, tổ dân phố 3, thị trấn Mậu A, huyện Văn Yên, tỉnh Yên Bái, Việt Nam"},\
        "postalItem":"EA\(String(format: "%08d", i % 100_000_000))5VN","office":"Bưu điện huyện Văn Yên, tỉnh Yên Bái — điểm phục vụ hành chính công một cửa",\
        "note":"Hồ sơ gồm: tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (mẫu số 03/2013/TT-LLTP), bản chụp căn cước công dân, bản chụp giấy tờ chứng minh nơi thường trú; người yêu cầu đã nộp đủ lệ phí."}
        """
    return Array(text.utf8)
}
