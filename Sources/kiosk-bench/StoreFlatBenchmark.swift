import Foundation
import KioskDomain
import KioskProtocol
import KioskSQLite
import KioskStore

/// Whether the store's costs stay flat with the kiosk's age and backlog (issue 12, item 5),
/// and the service's intake cycle against persist-queue's put + get + ack.
///
/// For each size (default 0, 100,000 and 1,000,000):
/// - the outbox is filled with that many pending events in one transaction (not timed), then
///   `--count` single durable enqueues (`appendEvent`) are timed: p50, p99, bytes written per
///   call (WAL frames and any checkpoint, from `/proc/self/io`);
/// - the store summary (`summary()`, what every control `status` and health report reads) is
///   timed 200 times;
/// - a second file gets that many dossiers delivered and scrubbed long ago (a kiosk's age),
///   then `--purges` rounds of 1,000 dossiers falling due, each purged by `purge` (timed).
///
/// Then, on an empty store, the intake cycle (``IntakeCycle``): the intake with its receipt
/// claimed (`recordIntake(prepared:numbers:claimingReceipt:)`), `written`, the completion, and
/// the event's ack in batches of 100 as forwarding does it; against `peers/persist_queue_cycle.py` (put, get,
/// ack per item) when python3 and persist-queue are installed, in alternating rounds
/// (``IntakeCycleComparison``).
///
/// Arguments: `--sizes 0,100000,1000000`, `--count N` (default 2000; the intake cycles, split
/// over the rounds), `--purges N` (default 5), `--rounds N` (default 5), `--dir PATH`, `--peers DIR` (default `Sources/kiosk-bench/peers`), `--json`; or
/// `--pages N`: only the WAL frames each commit of N intake cycles writes, by table and index
/// (`StorePagesReport`); `--cycle-only`: only the intake cycle and its peer (for profiling it).
func runStoreFlatBenchmark(arguments: [String]) async throws {
    let options = try StoreFlatOptions(arguments)
    let directory = options.directory ?? (NSTemporaryDirectory() + "kiosk-bench-flat-" + UUID().uuidString.lowercased())
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { if options.directory == nil { try? FileManager.default.removeItem(atPath: directory) } }
    if let cycles = options.pages {
        try await runStorePagesReport(cycles: cycles, directory: directory)
        return
    }

    var rows: [StoreFlatRow] = []
    for size in options.sizes {
        rows.append(try await measureEnqueueAndSummary(size: size, options: options, directory: directory))
        rows[rows.count - 1].purge = try await measurePurge(dossiers: size, options: options, directory: directory)
    }
    let comparison = try await IntakeCycleComparison.run(
        cycles: options.count, rounds: options.rounds, peers: options.peers, directory: directory)
    let cycle = comparison.kiosk
    let peer = comparison.peerPerSecond

    if options.json {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("benchmark", "store-flat")
            writer.key("sizes")
            writer.array { writer in
                for row in rows {
                    writer.object { writer in
                        writer.member("size", row.size)
                        writer.member("enqueueP50Microseconds", row.enqueue.percentile(50))
                        writer.member("enqueueP99Microseconds", row.enqueue.percentile(99))
                        writer.member("enqueueBytesPerCall", row.enqueue.bytesPerCall)
                        writer.member("summaryP50Microseconds", row.summary.percentile(50))
                        writer.member("summaryP99Microseconds", row.summary.percentile(99))
                        writer.member("purgeP50Microseconds", row.purge.percentile(50))
                        writer.member("purgeMaxMicroseconds", row.purge.percentile(100))
                    }
                }
            }
            writer.member("intakeCyclesPerSecond", Int(comparison.kioskPerSecond))
            writer.member("intakeCycleP50Microseconds", cycle.percentile(50))
            writer.member("intakeCycleP99Microseconds", cycle.percentile(99))
            writer.key("persistQueueCyclesPerSecond")
            if let peer { writer.value(peer) } else { writer.null() }
            writer.key("rounds")
            writer.array { writer in
                for round in comparison.rounds {
                    writer.object { writer in
                        writer.member("intakeCyclesPerSecond", Int(round.kiosk))
                        writer.key("persistQueueCyclesPerSecond")
                        if let peer = round.peer { writer.value(peer) } else { writer.null() }
                    }
                }
            }
        }
        print(String(decoding: writer.bytes, as: UTF8.self))
        return
    }
    print("KioskStore, flat with age and backlog (WAL, synchronous=FULL for intakes); directory \(directory)")
    print(
        column("size", 10) + column("enqueue p50 µs", 16) + column("p99 µs", 9) + column("bytes/enqueue", 15)
            + column("summary p50 µs", 16) + column("p99 µs", 9) + column("purge p50 µs", 14) + "max µs")
    for row in rows {
        print(
            column("\(row.size)", 10) + column("\(row.enqueue.percentile(50))", 16)
                + column("\(row.enqueue.percentile(99))", 9) + column("\(row.enqueue.bytesPerCall)", 15)
                + column("\(row.summary.percentile(50))", 16) + column("\(row.summary.percentile(99))", 9)
                + column("\(row.purge.percentile(50))", 14) + "\(row.purge.percentile(100))")
    }
    print(
        "intake cycle (intake + written + completion + ack in batches of 100): \(Int(comparison.kioskPerSecond))/s"
            + " (median of \(comparison.rounds.count) rounds), p50 \(cycle.percentile(50)) µs,"
            + " p99 \(cycle.percentile(99)) µs, \(cycle.bytesPerCall) bytes/cycle")
    if let peer, let ratio = comparison.ratio {
        let rounds = comparison.rounds.map { round in
            "\(Int(round.kiosk))/\(round.peer.map { String(Int($0)) } ?? "-")"
        }
        print(
            "persist-queue put + get + ack: \(Int(peer))/s (median); KioskStore / persist-queue: \(String(format: "%.2f", ratio))×"
                + " (median of the rounds' ratios; rounds, kiosk/peer per second: \(rounds.joined(separator: ", ")))")
    } else {
        print("persist-queue: not measured (python3 -m pip install persist-queue; --peers DIR)")
    }
}

/// One size's figures.
private struct StoreFlatRow {
    var size: Int
    var enqueue: LatencySample
    var summary: LatencySample
    var purge = LatencySample()
}

private func measureEnqueueAndSummary(size: Int, options: StoreFlatOptions, directory: String) async throws
    -> StoreFlatRow
{
    let path = directory + "/enqueue-\(size).db"
    removeStoreFiles(path)
    defer { removeStoreFiles(path) }
    try await KioskStore(path: path).close()
    try fill(path) { db in
        try db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                + " INSERT INTO outbox (id, type, occurred_at) SELECT \(randomUUIDSQL), 'dossier.received', ?"
                + " FROM n WHERE ? > 0",
            [.integer(Int64(size)), .text(benchTime.description), .integer(Int64(size))])
        try db.execute(
            "INSERT INTO outbox_data (seq, data) SELECT seq, ? FROM outbox",
            [.blob(EnqueueBenchmarkOptions.sampleEventData)])
    }
    let store = try KioskStore(path: path)
    let data = EnqueueBenchmarkOptions.sampleEventData
    func enqueue() async throws {
        _ = try await store.appendEvent(type: "dossier.received", data: data, occurredAt: benchTime)
    }
    _ = try await timed(50, enqueue)
    let enqueues = try await timed(options.count, enqueue)
    let summaries = try await timed(200) { _ = try await store.summary() }
    let pending = try await store.summary().pending
    await store.close()
    guard pending == size + 50 + options.count else {
        throw BenchUsage("store-flat: \(pending) events pending after the run, expected \(size + 50 + options.count)")
    }
    return StoreFlatRow(size: size, enqueue: enqueues, summary: summaries)
}

/// A kiosk of that age: `dossiers` delivered and scrubbed long ago; each round 1,000 more fall
/// due (received 40 days ago, their events delivered 35 days ago) and one purge is timed.
private func measurePurge(dossiers: Int, options: StoreFlatOptions, directory: String) async throws
    -> LatencySample
{
    let path = directory + "/purge-\(dossiers).db"
    removeStoreFiles(path)
    defer { removeStoreFiles(path) }
    try await KioskStore(path: path).close()
    let longAgo = Timestamp(unixSeconds: benchTime.unixSeconds - 400 * 86400, offsetSeconds: 7 * 3600)
    try fill(path) { db in
        try db.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
                + " INSERT INTO dossiers (code, procedure_code, procedure_name, received_at, received_unix, due_date,"
                + " fee_vnd, delivery_method, office, purged)"
                + " SELECT 'OLD-' || i, '1.001234', 'Cấp Phiếu lý lịch tư pháp', ?, ?, '2025-10-20', 200000,"
                + " 'counter', 'Bưu điện huyện Văn Yên', 1 FROM n WHERE ? > 0",
            [
                .integer(Int64(dossiers)), .text(longAgo.description), .integer(longAgo.unixSeconds),
                .integer(Int64(dossiers)),
            ])
    }
    let store = try KioskStore(path: path)
    var sample = LatencySample()
    let received = Timestamp(unixSeconds: benchTime.unixSeconds - 40 * 86400, offsetSeconds: 7 * 3600)
    let delivered = Timestamp(unixSeconds: benchTime.unixSeconds - 35 * 86400, offsetSeconds: 7 * 3600)
    for round in 0..<options.purges {
        try fill(path) { db in
            try db.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
                    + " INSERT INTO dossiers (code, procedure_code, procedure_name, applicant_id_number, applicant_name,"
                    + " received_at, received_unix, due_date, fee_vnd, delivery_method, office)"
                    + " SELECT 'DUE-\(round)-' || i, '1.001234', 'Cấp Phiếu lý lịch tư pháp', '001094012345',"
                    + " 'Nguyễn Bá Hoàng', ?, ?, '2026-10-20', 200000, 'counter', 'Bưu điện huyện Văn Yên' FROM n",
                [.text(received.description), .integer(received.unixSeconds)])
            let before = try db.scalar("SELECT coalesce(max(seq), 0) FROM outbox")?.integer ?? 0
            try db.execute(
                "INSERT INTO outbox (id, type, occurred_at, dossier_code, delivered_at, delivered_unix)"
                    + " SELECT \(randomUUIDSQL), 'dossier.received', ?, code, ?, ? FROM dossiers"
                    + " WHERE code LIKE 'DUE-\(round)-%'",
                [.text(received.description), .text(delivered.description), .integer(delivered.unixSeconds)])
            try db.execute(
                "INSERT INTO outbox_data (seq, data) SELECT seq, ? FROM outbox WHERE seq > ?",
                [.blob(EnqueueBenchmarkOptions.sampleEventData), .integer(before)])
        }
        let start = ContinuousClock.now
        let report = try await store.purge(retentionDays: 30, now: benchTime)
        sample.add(ContinuousClock.now - start)
        guard report.dossiersScrubbed == 1000, report.eventsDeleted == 1000 else {
            await store.close()
            throw BenchUsage(
                "store-flat: purge round \(round) scrubbed \(report.dossiersScrubbed), deleted \(report.eventsDeleted); expected 1000 each"
            )
        }
    }
    await store.close()
    return sample
}

/// One citizen's intake as the service's flows and print queue run it, step by step: the
/// intake prepared with the numbers it will take (`recordIntake(prepared:numbers:)`, the
/// receipt claimed `sending`), `written`, the completion; the events acked in batches of 100
/// as forwarding does after each answer.
///
/// On the store's executor, as `KioskFlows` and `PrintQueue` are: their store calls are calls
/// on the store's thread, not hand-offs to it. In the service each citizen's intake starts
/// with the scan crossing into the flows, and its steps wait for the printer on the printer's
/// thread; those crossings are the scanner's and the printer's, not the store's, and are not
/// in this cycle but one: each cycle ends with a yield of the executor (`Task.yield`, a
/// crossing to the pool and back, as a scan's arrival is one), where the store's queued jobs
/// run as they would between citizens (a checkpoint).
actor IntakeCycle {
    static let time = Timestamp(rfc3339: "2026-11-21T09:15:02+07:00")!
    let store: KioskStore
    private var numbers: IntakeNumbers
    private var unacked: [OutboxEvent] = []

    /// The store's executor, as the flows and the print queue have.
    nonisolated var unownedExecutor: UnownedSerialExecutor { store.unownedExecutor }

    init(store: KioskStore) async throws {
        self.store = store
        numbers = try await store.nextIntakeNumbers(day: Self.time.localDay, registerBook: "2026")
    }

    /// The whole cycle: intake, written, completion, and every 100th time the ack.
    func run() async throws {
        let record = try await intake()
        try await written(record)
        try await complete(record)
        if unacked.count == 100 { try await ack() }
        await Task.yield()  // the next citizen's scan
    }

    /// `count` whole cycles, each timed with its yield (a checkpoint that runs there counts).
    func timedRuns(_ count: Int) async throws -> LatencySample {
        try await timed(count) { try await run() }
    }

    func intake() async throws -> IntakeRecord {
        let code = "YBVY01-261121-\(numbers.sequence)-K"
        let dossier = Dossier(
            code: code, procedure: ProcedureRef(code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp"),
            applicant: Applicant(
                idNumber: "001094012345", name: "Nguyễn Bá Hoàng", birthDate: CalendarDay(iso: "1995-03-14"),
                gender: "Nam", address: "Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"),
            receivedAt: Self.time, dueDate: CalendarDay(iso: "2026-11-28")!, feeVND: 200_000,
            delivery: .counter, office: "Bưu điện huyện Văn Yên")
        let draft = IntakeDraft(
            dossier: dossier, eventData: EnqueueBenchmarkOptions.sampleEventData,
            printJob: PrintJobDraft(
                kind: "intake-receipt", payload: Array(repeating: 0x41, count: 680 + numbers.sequence % 2)))
        guard let record = try await store.recordIntake(prepared: draft, numbers: numbers, claimingReceipt: true)
        else { throw BenchUsage("store-flat: the intake's numbers were taken (another writer on the file?)") }
        numbers = numbers.next
        unacked.append(record.event)
        return record
    }

    func written(_ record: IntakeRecord) async throws {
        try await store.recordPrintWritten(id: record.printJob.id)
    }

    func complete(_ record: IntakeRecord) async throws {
        try await store.completePrintJob(id: record.printJob.id)
    }

    /// Marks the events of the intakes since the last ack delivered, in one transaction.
    func ack() async throws {
        guard !unacked.isEmpty else { return }
        try await store.markDelivered(unacked, at: Self.time)
        unacked.removeAll()
    }
}

private let benchTime = IntakeCycle.time

/// A random version-4 UUID in SQL, evaluated per row (`randomblob` is not constant).
private let randomUUIDSQL =
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2)"
    + " || '-8' || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"

/// Runs `body` in one transaction on a connection of its own (the fill: not timed).
private func fill(_ path: String, _ body: (Database) throws -> Void) throws {
    let db = try Database(path: path)
    defer { db.close() }
    try db.setBusyTimeout(milliseconds: 30_000)
    try db.transaction(.immediate) { try body(db) }
}

func removeStoreFiles(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
}

/// Times `count` calls of `body`, with the bytes they wrote, on the caller's executor (an
/// actor on the store's thread times its calls there, without a hop per call).
nonisolated(nonsending) func timed(_ count: Int, _ body: () async throws -> Void) async throws -> LatencySample {
    var sample = LatencySample()
    let writtenStart = writtenBytes()
    for _ in 0..<count {
        let start = ContinuousClock.now
        try await body()
        sample.add(ContinuousClock.now - start)
    }
    sample.bytesWritten = writtenBytes() - writtenStart
    return sample
}

/// Bytes this process has passed to write calls so far (`wchar` of `/proc/self/io`).
private func writtenBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/io", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix("wchar:") {
        return Int(line.dropFirst("wchar:".count).trimmingCharacters(in: .whitespaces)) ?? 0
    }
    return 0
}

private func column(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}

/// Command-line options of `kiosk-bench store-flat`.
private struct StoreFlatOptions {
    var sizes = [0, 100_000, 1_000_000]
    var count = 2000
    var purges = 5
    /// Rounds of the intake cycle alternating with persist-queue's (`--rounds`).
    var rounds = 5
    var directory: String?
    var peers = "Sources/kiosk-bench/peers"
    var json = false
    /// `--pages N`: only the WAL frames per commit of N intake cycles, by b-tree.
    var pages: Int?

    init(_ arguments: [String]) throws {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if argument == "--json" {
                json = true
                continue
            }
            if argument == "--cycle-only" {
                sizes = []
                continue
            }
            guard ["--sizes", "--count", "--purges", "--rounds", "--dir", "--peers", "--pages"].contains(argument)
            else {
                throw BenchUsage(
                    "store-flat: unknown argument \(argument); use --sizes 0,100000 --count N --purges N --rounds N --dir PATH"
                        + " --peers DIR --json --cycle-only, or --pages N")
            }
            guard let value = iterator.next() else { throw BenchUsage("store-flat: \(argument) needs a value") }
            switch argument {
            case "--dir": directory = value
            case "--peers": peers = value
            case "--sizes":
                let parsed = value.split(separator: ",").map { Int($0) }
                guard !parsed.isEmpty, parsed.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                    throw BenchUsage("store-flat: --sizes needs numbers ≥ 0 separated by commas, not \(value)")
                }
                sizes = parsed.compactMap { $0 }
            default:
                guard let number = Int(value), number > 0 else {
                    throw BenchUsage("store-flat: \(argument) needs a positive number, not \(value)")
                }
                switch argument {
                case "--count": count = number
                case "--pages": pages = number
                case "--rounds": rounds = number
                default: purges = number
                }
            }
        }
    }
}
