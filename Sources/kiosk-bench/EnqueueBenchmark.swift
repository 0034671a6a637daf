import Foundation
import KioskDomain
import KioskProtocol
import KioskStore
import KioskSystem

/// Durable enqueue and ack rates of the outbox (`KioskStore`, WAL, `synchronous=FULL`):
/// single-event enqueues, each its own transaction, on an empty outbox and with a backlog of
/// 100,000 pending events (per-call p50/p99, to show the cost stays flat), then acks.
///
/// Arguments: `--count N` timed calls per phase (default 2000), `--backlog N` (default
/// 100000), `--dir PATH` where the database goes (default a new temporary directory, on
/// the same file system a kiosk's state directory would be), `--json`.
func runEnqueueBenchmark(arguments: [String]) async throws {
    let options = try EnqueueBenchmarkOptions(arguments)
    let directory =
        options.directory ?? (NSTemporaryDirectory() + "kiosk-bench-enqueue-" + UUID().uuidString.lowercased())
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { if options.directory == nil { try? FileManager.default.removeItem(atPath: directory) } }
    let path = directory + "/outbox-bench.db"
    try? FileManager.default.removeItem(atPath: path)

    let diskCeiling = try fdatasyncRate(directory: directory, count: options.count, blockBytes: 8192)
    let store = try KioskStore(path: path)
    let occurredAt = Timestamp(unixSeconds: 1_795_000_000)
    let data = EnqueueBenchmarkOptions.sampleEventData

    func timedEnqueues(_ count: Int) async throws -> LatencySample {
        var sample = LatencySample()
        let cpuStart = processCPUMicroseconds()
        let writtenStart = processWrittenBytes()
        for _ in 0..<count {
            let start = ContinuousClock.now
            _ = try await store.appendEvent(type: "dossier.received", data: data, occurredAt: occurredAt)
            sample.add(ContinuousClock.now - start)
        }
        sample.cpuMicroseconds = processCPUMicroseconds() - cpuStart
        sample.bytesWritten = processWrittenBytes() - writtenStart
        return sample
    }

    // Warm-up: page cache, statement cache, WAL file growth.
    _ = try await timedEnqueues(50)
    let empty = try await timedEnqueues(options.count)
    // The disk's limit for what one enqueue writes (its WAL frames), rounded up to 4 KiB.
    let enqueueBytes = max(4096, (empty.bytesPerCall + 4095) / 4096 * 4096)
    let enqueueCeiling = try fdatasyncRate(directory: directory, count: options.count, blockBytes: enqueueBytes)

    // Fill the backlog in big transactions (not timed), then time single enqueues again.
    var pending = try await store.summary().pending
    while pending < options.backlog {
        let batch = min(10_000, options.backlog - pending)
        _ = try await store.appendEvents(
            Array(repeating: (type: "dossier.received", data: data, occurredAt: occurredAt), count: batch))
        pending += batch
    }
    let backlogged = try await timedEnqueues(options.count)
    let backlogSize = try await store.summary().pending

    // Acks: one event per transaction (as a per-event ack queue does), then batches of 100
    // (as forwarding does after each 200 answer).
    let single = try await store.pendingEvents(limit: options.count)
    var ackSingle = LatencySample()
    var cpuStart = processCPUMicroseconds()
    var writtenStart = processWrittenBytes()
    for event in single {
        let start = ContinuousClock.now
        try await store.markDelivered([event], at: occurredAt)
        ackSingle.add(ContinuousClock.now - start)
    }
    ackSingle.cpuMicroseconds = processCPUMicroseconds() - cpuStart
    ackSingle.bytesWritten = processWrittenBytes() - writtenStart
    var ackBatch = LatencySample()
    cpuStart = processCPUMicroseconds()
    writtenStart = processWrittenBytes()
    let batches = max(1, options.count / 10)
    for _ in 0..<batches {
        let start = ContinuousClock.now
        let events = try await store.pendingEvents(limit: 100)
        try await store.markDelivered(events, at: occurredAt)
        ackBatch.add(ContinuousClock.now - start)
    }
    ackBatch.cpuMicroseconds = processCPUMicroseconds() - cpuStart
    ackBatch.bytesWritten = processWrittenBytes() - writtenStart
    await store.close()

    let rows: [(String, LatencySample, Int)] = [
        ("enqueue, empty outbox", empty, 1),
        ("enqueue, \(backlogSize - options.count) pending", backlogged, 1),
        ("ack 1 event per transaction", ackSingle, 1),
        ("read+ack 100 events per transaction", ackBatch, 100),
        ("disk ceiling: 8 KiB write + fdatasync", diskCeiling, 1),
        ("disk ceiling: \(enqueueBytes / 1024) KiB write + fdatasync", enqueueCeiling, 1),
    ]
    if options.json {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("benchmark", "enqueue")
            writer.member("store", "KioskStore")
            writer.member("durability", "WAL, synchronous=FULL, one BEGIN IMMEDIATE transaction per call")
            writer.member("eventBytes", data.count)
            writer.member("backlog", backlogSize)
            writer.member("path", path)
            writer.key("results")
            writer.array { writer in
                for (name, sample, perCall) in rows {
                    writer.object { writer in
                        writer.member("case", name)
                        writer.member("calls", sample.count)
                        writer.member("eventsPerCall", perCall)
                        writer.member("eventsPerSecond", Int(sample.callsPerSecond * Double(perCall)))
                        writer.member("p50Microseconds", sample.percentile(50))
                        writer.member("p99Microseconds", sample.percentile(99))
                        writer.member("maxMicroseconds", sample.percentile(100))
                        writer.member("cpuMicrosecondsPerCall", sample.cpuPerCall)
                        writer.member("bytesWrittenPerCall", sample.bytesPerCall)
                    }
                }
            }
        }
        print(String(decoding: writer.bytes, as: UTF8.self))
    } else {
        print(
            "KioskStore outbox: WAL, synchronous=FULL, one BEGIN IMMEDIATE transaction per call; \(data.count)-byte events"
        )
        print("database: \(path)")
        print(
            pad("case", 40) + pad("calls", 8) + pad("events/s", 10) + pad("p50 µs", 9) + pad("p99 µs", 9)
                + pad("max µs", 9) + pad("CPU µs/call", 13) + "bytes/call")
        for (name, sample, perCall) in rows {
            print(
                pad(name, 40) + pad("\(sample.count)", 8) + pad("\(Int(sample.callsPerSecond * Double(perCall)))", 10)
                    + pad("\(sample.percentile(50))", 9) + pad("\(sample.percentile(99))", 9)
                    + pad("\(sample.percentile(100))", 9) + pad("\(sample.cpuPerCall)", 13) + "\(sample.bytesPerCall)")
        }
    }
}

/// The disk's own limit, measured in the same run: a `blockBytes` overwrite + `fdatasync` per
/// call, about what one small WAL commit costs (8 KiB, and the bytes one enqueue actually
/// writes). A durable enqueue cannot be faster than this.
private func fdatasyncRate(directory: String, count: Int, blockBytes: Int) throws -> LatencySample {
    let path = directory + "/fdatasync-probe"
    let fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0o600)
    guard fd >= 0 else { throw EnqueueBenchmarkOptions.UsageError(description: "cannot create \(path)") }
    defer {
        close(fd)
        unlink(path)
    }
    let block = [UInt8](repeating: 0x5a, count: blockBytes)
    for slot in 0..<64 { _ = pwrite(fd, block, block.count, off_t(slot * block.count)) }
    fsync(fd)
    var sample = LatencySample()
    let cpuStart = processCPUMicroseconds()
    let writtenStart = processWrittenBytes()
    for call in 0..<count {
        let start = ContinuousClock.now
        _ = pwrite(fd, block, block.count, off_t((call % 64) * block.count))
        fdatasync(fd)
        sample.add(ContinuousClock.now - start)
    }
    sample.cpuMicroseconds = processCPUMicroseconds() - cpuStart
    sample.bytesWritten = processWrittenBytes() - writtenStart
    return sample
}

private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

/// Bytes this process has passed to write calls so far (`wchar` of `/proc/self/io`).
private func processWrittenBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("wchar:") {
        return Int(line.dropFirst("wchar:".count).trimmingCharacters(in: .whitespaces)) ?? 0
    }
    return 0
}

/// User + system CPU time of this process so far (`getrusage`), in microseconds.
private func processCPUMicroseconds() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return (Int(usage.ru_utime.tv_sec) + Int(usage.ru_stime.tv_sec)) * 1_000_000 + Int(usage.ru_utime.tv_usec)
        + Int(usage.ru_stime.tv_usec)
}

/// Per-call durations, and the CPU the calls used.
struct LatencySample {
    private var microseconds: [Int] = []
    private var total: Duration = .zero
    /// CPU time (user + system) spent over all calls.
    var cpuMicroseconds = 0

    /// Bytes passed to write calls over all calls (WAL frames, checkpoints).
    var bytesWritten = 0

    /// CPU microseconds per call: what the software costs, apart from waiting for the disk.
    var cpuPerCall: Int { count > 0 ? cpuMicroseconds / count : 0 }

    /// Bytes written per call.
    var bytesPerCall: Int { count > 0 ? bytesWritten / count : 0 }

    mutating func add(_ duration: Duration) {
        microseconds.append(Int(duration.totalNanoseconds / 1000))
        total += duration
    }

    var count: Int { microseconds.count }

    /// Adds `other`'s calls, time, CPU and bytes to these.
    mutating func merge(_ other: LatencySample) {
        microseconds += other.microseconds
        total += other.total
        cpuMicroseconds += other.cpuMicroseconds
        bytesWritten += other.bytesWritten
    }

    /// Calls per second over the summed call time.
    var callsPerSecond: Double {
        let elapsed = total.totalSeconds
        return elapsed > 0 ? Double(count) / elapsed : 0
    }

    /// The p-th percentile in microseconds (nearest rank).
    func percentile(_ p: Int) -> Int {
        guard !microseconds.isEmpty else { return 0 }
        let sorted = microseconds.sorted()
        let rank = max(1, Int((Double(p) / 100 * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }
}

/// Command-line options of the enqueue benchmark.
struct EnqueueBenchmarkOptions {
    var count = 2000
    var backlog = 100_000
    var directory: String?
    var json = false

    /// A `dossier.received` event as the intake flow writes it (≈ 600 bytes).
    static let sampleEventData = Array(
        """
        {"code":"YBVY01-261121-0007-K","procedure":{"code":"1.001234","name":"Cấp Phiếu lý lịch tư pháp"},\
        "applicant":{"idNumber":"001094012345","name":"Nguyễn Bá Hoàng","birthDate":"1995-03-14","gender":"Nam",\
        "address":"Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"},"receivedAt":"2026-11-21T09:15:02+07:00",\
        "dueDate":"2026-11-28","fee":{"amount":200000,"currency":"VND"},\
        "delivery":{"method":"post","address":"Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"},\
        "office":"Bưu điện huyện Văn Yên"}
        """.utf8)

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    init(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--json": json = true
            case "--count", "--backlog", "--dir":
                guard let value = iterator.next() else { throw UsageError(description: "\(argument) needs a value") }
                if argument == "--dir" {
                    directory = value
                } else {
                    guard let number = Int(value), number > 0 else {
                        throw UsageError(description: "\(argument) needs a positive number, not \(value)")
                    }
                    if argument == "--count" { count = number } else { backlog = number }
                }
            default:
                throw UsageError(
                    description: "unknown argument \(argument); use --count N --backlog N --dir PATH --json")
            }
        }
    }
}
