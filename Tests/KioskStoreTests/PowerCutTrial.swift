import Foundation
import KioskDomain
import KioskSQLite
import KioskTestSupport

@testable import KioskStore

/// One simulated power cut: a store opened through the power-cut VFS runs a random workload
/// (intakes whose receipts start printing, deliveries, failed attempts, dead letters, health
/// events, retention purges, checkpoints, and the open itself with its migrations) until
/// the power goes; then the store is reopened as kioskd opens it after a power cut, and what
/// it holds is checked against what the workload saw committed.
struct PowerCutTrial {
    /// What the workload saw committed; an operation counts only once it returned.
    struct Model {
        struct Event {
            var id: String
            var delivered = false
            var dead = false
        }
        var events: [Int64: Event] = [:]

        /// The committed event `seq` as the store's calls that take events want it.
        func event(_ seq: Int64) -> OutboxEvent {
            OutboxEvent(id: events[seq]!.id, seq: seq, type: "", occurredAt: PowerCutTrial.base, data: [])
        }
        /// Intakes committed (the receipt may start printing from here), by tracking code.
        var intakes: [String: (seq: Int64, job: Int64)] = [:]
        /// Of those, the ones whose receipt started printing (the attempt was recorded).
        var printing: Set<String> = []
        var completedJobs: Set<Int64> = []
        /// Receipts claimed by their intake (the service's path): how far each got, as
        /// committed and as known durable (0 `sending`, 1 `written`, 2 completed). `written`
        /// and the completion commit without a barrier of their own: they are durable once
        /// a later full commit returned.
        var claimed: [Int64: ClaimedReceipt] = [:]
        /// Seqs a purge may have deleted (delivered when a purge ran or was running).
        var purgeable: Set<Int64> = []
        var purgeRan = false
        var nextDay = 0

        /// A full commit returned: everything committed before it is on disk.
        mutating func settle() {
            claimed = claimed.mapValues { ClaimedReceipt(seq: $0.seq, committed: $0.committed, durable: $0.committed) }
        }
    }

    struct ClaimedReceipt {
        var seq: Int64
        var committed = 0
        var durable = 0
    }

    /// The operation under way when the power went: its effect may or may not be on disk.
    enum InFlight {
        case none, open, intake, printAttempt, written(Int64), complete(Int64), deliver([Int64]), fail, dead(Int64),
            health, purge, checkpoint
    }

    let directory: String
    let disk: PowerCutDisk
    let seed: UInt64
    let cutAfter: Int64?
    let mode: PowerCutDisk.Mode
    let fromVersionOne: Bool

    static let base = Fixtures.time("2026-11-21T09:15:02+07:00")
    var path: String { directory + "/kiosk.db" }

    /// Runs the workload and the cut; returns the problems found after the reopen (none
    /// when the store kept everything it promised) and the storage operations made before
    /// the cut.
    func run(versionOneTemplate: String) async throws -> (problems: [String], operations: Int64) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        var model = Model()
        if fromVersionOne {
            try FileManager.default.copyItem(atPath: versionOneTemplate, toPath: path)
            model.events[1] = Model.Event(id: PowerCutTemplates.versionOneIds[0], delivered: true)
            model.events[2] = Model.Event(id: PowerCutTemplates.versionOneIds[1], dead: true)
            model.events[3] = Model.Event(id: PowerCutTemplates.versionOneIds[2])
        }
        disk.restore()
        if let cutAfter { disk.arm(afterOperations: cutAfter, mode: mode, seed: seed) }
        var random = SplitMix64(seed: seed)
        var inFlight = InFlight.open
        var store: KioskStore?
        do {
            // The store's own checkpoints run when the workload asks (case 14), so a seed and a
            // cut point replay the same operations.
            let opened = try KioskStore(
                path: path, now: { Self.base }, vfs: disk.name,
                checkpoints: CheckpointSchedule(idleDelay: .seconds(3600), walFrameBound: .max))
            store = opened
            inFlight = .none
            for _ in 0..<14 {
                try await step(opened, &model, &inFlight, &random)
                inFlight = .none
            }
        } catch {
            guard disk.hasCut else {
                await store?.close()
                return (["seed \(seed): workload failed without a power cut: \(error)"], disk.operations)
            }
        }
        let operations = disk.operations
        if !disk.hasCut { disk.cutNow(mode: mode, seed: seed) }
        await store?.close()
        disk.restore()
        return (try await check(model, inFlight), operations)
    }

    // MARK: - The workload

    private func step(
        _ store: KioskStore, _ model: inout Model, _ inFlight: inout InFlight, _ random: inout SplitMix64
    ) async throws {
        let pending = model.events.filter { !$0.value.delivered && !$0.value.dead }.keys.sorted()
        switch random.next() % 16 {
        case 3..<6:
            // The service's path: the receipt claimed in the intake's own transaction (the one
            // fsync before its first byte), then `written` and the completion, neither with a
            // barrier of its own.
            inFlight = .intake
            let receivedAt = Timestamp(
                unixSeconds: Self.base.unixSeconds + Int64(model.nextDay / 3) * 86400, offsetSeconds: 7 * 3600)
            model.nextDay += 1
            let record = try await Fixtures.intake(store, receivedAt: receivedAt, claimingReceipt: true)
            let job = record.printJob.id
            model.events[record.event.seq] = Model.Event(id: record.event.id)
            model.intakes[record.dossier.code] = (record.event.seq, job)
            model.printing.insert(record.dossier.code)
            model.claimed[job] = ClaimedReceipt(seq: record.event.seq)
            model.settle()
            guard random.next() % 4 != 0 else { return }
            inFlight = .written(job)
            try await store.recordPrintWritten(id: job)
            model.claimed[job]?.committed = 1
            guard random.next() % 3 != 0 else { return }
            inFlight = .complete(job)
            try await store.completePrintJob(id: job)
            model.claimed[job]?.committed = 2
            model.completedJobs.insert(job)
        case 0..<3:
            inFlight = .intake
            let receivedAt = Timestamp(
                unixSeconds: Self.base.unixSeconds + Int64(model.nextDay / 3) * 86400, offsetSeconds: 7 * 3600)
            model.nextDay += 1
            let record = try await Fixtures.intake(store, receivedAt: receivedAt)
            model.events[record.event.seq] = Model.Event(id: record.event.id)
            model.intakes[record.dossier.code] = (record.event.seq, record.printJob.id)
            model.settle()
            // The receipt starts printing: its attempt is recorded before the first byte.
            inFlight = .printAttempt
            try await store.recordPrintAttempt(id: record.printJob.id)
            model.printing.insert(record.dossier.code)
            model.settle()
            if random.next() % 2 == 0 {
                inFlight = .complete(record.printJob.id)
                try await store.completePrintJob(id: record.printJob.id)
                model.completedJobs.insert(record.printJob.id)
            }
        case 6..<9 where !pending.isEmpty:
            let seqs = Array(pending.prefix(1 + Int(random.next() % 4)))
            inFlight = .deliver(seqs)
            try await store.markDelivered(seqs.map { model.event($0) }, at: Self.base)
            for seq in seqs { model.events[seq]?.delivered = true }
            model.settle()
        case 9 where !pending.isEmpty:
            inFlight = .fail
            try await store.recordFailedAttempt(
                pending.map { model.event($0) }, error: "central: HTTP 503", nextAttemptAt: Self.base)
            model.settle()
        case 10 where !pending.isEmpty:
            let seq = pending[Int(random.next() % UInt64(pending.count))]
            inFlight = .dead(seq)
            try await store.moveToDeadLetters(model.event(seq), reason: "rejected", at: Self.base)
            model.events[seq]?.dead = true
            model.settle()
        case 11:
            inFlight = .health
            let event = try await store.appendEvent(
                type: "kiosk.health", data: Array(#"{"printer":"ok"}"#.utf8), occurredAt: Self.base)
            model.events[event.seq] = Model.Event(id: event.id)
            model.settle()
        case 12..<14:
            // A purge may delete every event delivered by now, and the print jobs of the
            // dossiers whose events are all delivered.
            inFlight = .purge
            model.purgeable.formUnion(model.events.filter { $0.value.delivered }.keys)
            model.purgeRan = true
            _ = try await store.purge(
                retentionDays: 0, now: Timestamp(unixSeconds: Self.base.unixSeconds + 30 * 86400))
            model.settle()
        case 14:
            inFlight = .checkpoint
            switch random.next() % 3 {
            case 0: _ = try await store.scalar("PRAGMA wal_checkpoint(TRUNCATE)")
            case 1: _ = try await store.scalar("PRAGMA wal_checkpoint(PASSIVE)")
            default: await store.checkpointNow()  // the store's own, between writes
            }
        default:
            inFlight = .health
            let event = try await store.appendEvent(
                type: "kiosk.health", data: Array(#"{"scanner":"ok"}"#.utf8), occurredAt: Self.base)
            model.events[event.seq] = Model.Event(id: event.id)
            model.settle()
        }
    }

    // MARK: - After the power came back

    private func check(_ model: Model, _ inFlight: InFlight) async throws -> [String] {
        var problems: [String] = []
        let context =
            "seed \(seed) from-v1 \(fromVersionOne) cut-after \(cutAfter.map(String.init) ?? "end") mode \(mode)"
        func problem(_ text: String) { problems.append("\(context): \(text)") }

        // Reopened exactly as kioskd opens it: pragmas, integrity check, migrations.
        let store = try KioskStore(path: path, now: { Self.base })
        do {
            try await check(model, inFlight, store, problem)
        } catch {
            await store.close()
            throw error
        }
        // Closed before the next trial removes the files: a connection closing later would
        // delete the next trial's -wal by its name.
        await store.close()
        return problems
    }

    private func check(
        _ model: Model, _ inFlight: InFlight, _ store: KioskStore, _ problem: (String) -> Void
    ) async throws {
        if let recovery = store.recovery {
            // The one cut where a file may be left that is not a database: while the very
            // first open created it, before its first sync. Nothing was ever committed in it,
            // so moving it aside (loudly) loses nothing.
            let neverCommitted: Bool
            if case .open = inFlight {
                neverCommitted = !fromVersionOne && model.events.isEmpty
            } else {
                neverCommitted = false
            }
            if !neverCommitted { problem("store reported corrupt and was moved aside: \(recovery.reason)") }
        }
        if try await store.scalar("PRAGMA integrity_check") != .text("ok") { problem("integrity_check failed") }
        if try await store.scalar("PRAGMA user_version") != .integer(Int64(Schema.currentVersion)) {
            problem("user_version is not \(Schema.currentVersion)")
        }

        let rows = try await store.outboxRows()
        let bySeq = Dictionary(uniqueKeysWithValues: rows.map { ($0.seq, $0) })
        let jobs = Set(try await store.pendingPrintJobs().map(\.id))
        let dossiers = try await store.dossierCodes()

        var uncertainDelivered: Set<Int64> = []
        var uncertainDead: Int64?
        var uncertainJob: Int64?
        var purgeable = model.purgeable
        var extraEvents = 0
        var extraIntake = false
        switch inFlight {
        case .intake: (extraEvents, extraIntake) = (1, true)
        case .health: extraEvents = 1
        case .deliver(let seqs): uncertainDelivered = Set(seqs)
        case .dead(let seq): uncertainDead = seq
        case .complete(let job): uncertainJob = job
        case .purge: purgeable.formUnion(model.events.filter { $0.value.delivered }.keys)
        default: break
        }

        // Every event the workload saw committed, in the state it saw.
        for (seq, event) in model.events {
            guard let row = bySeq[seq] else {
                if !purgeable.contains(seq) { problem("event seq \(seq) lost") }
                continue
            }
            if row.id != event.id { problem("event seq \(seq) has another id") }
            if !uncertainDelivered.contains(seq), row.delivered != event.delivered {
                problem("event seq \(seq) delivered \(row.delivered), committed as \(event.delivered)")
            }
            if uncertainDead != seq, row.dead != event.dead {
                problem("event seq \(seq) dead \(row.dead), committed as \(event.dead)")
            }
            if !row.hasData { problem("event seq \(seq) lost its data") }
        }
        // A transaction under way is all or nothing.
        let landed = uncertainDelivered.filter { bySeq[$0]?.delivered == true }
        if !landed.isEmpty, landed.count != uncertainDelivered.filter({ bySeq[$0] != nil }).count {
            problem("a delivery batch landed in part: \(landed.sorted()) of \(uncertainDelivered.sorted())")
        }
        // Seq gapless: every number up to the last one used is an event or was purged.
        let known = Set(model.events.keys)
        let unknown = rows.map(\.seq).filter { !known.contains($0) }
        if unknown.count > extraEvents { problem("events nobody committed: \(unknown)") }
        if let top = rows.map(\.seq).max() {
            for seq in 1...top where bySeq[seq] == nil && !purgeable.contains(seq) {
                problem("seq \(seq) missing below \(top)")
            }
        }
        if let lastSeq = try await store.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")?.integer,
            let committedTop = model.events.keys.max(), lastSeq < committedTop
        {
            problem("sqlite_sequence \(lastSeq) fell below committed seq \(committedTop): a seq would be reused")
        }
        // No event both delivered and pending (or dead), and the pending index agrees.
        if rows.contains(where: { $0.delivered && $0.dead }) { problem("an event is both delivered and dead") }
        let pendingByIndex = try await store.summary().pending
        let pendingByTable = rows.filter { !$0.delivered && !$0.dead }.count
        if pendingByIndex != pendingByTable {
            problem("pending index says \(pendingByIndex), table \(pendingByTable)")
        }

        // Every committed intake — so every one whose receipt had started printing — is there
        // with its event and its print job.
        for (code, intake) in model.intakes {
            let printing = model.printing.contains(code) ? "printed receipt" : "committed intake"
            if !dossiers.contains(code) { problem("dossier of a \(printing) lost") }
            if bySeq[intake.seq] == nil && !purgeable.contains(intake.seq) {
                problem("event of a \(printing) lost")
            }
            let mayBeGone =
                model.completedJobs.contains(intake.job) || uncertainJob == intake.job
                || (model.purgeRan || isPurge(inFlight)) && model.events[intake.seq]?.delivered == true
            if !jobs.contains(intake.job) && !mayBeGone { problem("print job \(intake.job) of a \(printing) lost") }
        }
        // A claimed receipt is found `sending` (one marked copy), `written` (confirmed with the
        // printer, no copy) or gone (completed): never behind what was durable, never ahead
        // of what was committed, never `queued` (an unmarked second copy).
        let stages = Dictionary(uniqueKeysWithValues: try await store.allPrintJobs().map { ($0.id, $0.stage) })
        let names = ["sending", "written", "completed"]
        for (job, known) in model.claimed {
            var upper = known.committed
            switch inFlight {
            case .written(let inFlightJob) where inFlightJob == job: upper = max(upper, 1)
            case .complete(let inFlightJob) where inFlightJob == job: upper = 2
            default: break
            }
            let observed: Int
            switch stages[job] {
            case nil: observed = 2
            case .sending?: observed = 0
            case .written?: observed = 1
            case let other?:
                problem("claimed receipt \(job) found \(other.rawValue) after the cut: it would print unmarked")
                continue
            }
            let purgedAway =
                (model.purgeRan || isPurge(inFlight)) && model.events[known.seq]?.delivered == true
            if observed < known.durable {
                problem(
                    "claimed receipt \(job) found \(names[observed]), but \(names[known.durable]) was durable")
            }
            if observed > upper && !(observed == 2 && purgedAway) {
                problem("claimed receipt \(job) found \(names[observed]), committed only \(names[known.committed])")
            }
        }

        // An intake under way at the cut is all there or not at all.
        let strangers = dossiers.subtracting(model.intakes.keys)
        if strangers.count > (extraIntake ? 1 : 0) { problem("dossiers nobody committed: \(strangers.count)") }
        for code in strangers {
            if !rows.contains(where: { $0.dossierCode == code }) { problem("dossier without its event") }
            if try await !store.hasPrintJob(dossierCode: code) { problem("dossier without its print job") }
        }

        // And the store works: the next citizen's intake is recorded.
        do {
            try await Fixtures.intake(store, receivedAt: Self.base)
        } catch {
            problem("the reopened store refused an intake: \(error)")
        }
    }

    private func isPurge(_ inFlight: InFlight) -> Bool {
        if case .purge = inFlight { return true }
        return false
    }
}

/// One outbox row as the checks read it.
struct OutboxRow: Sendable {
    var seq: Int64
    var id: String
    var delivered: Bool
    var dead: Bool
    var dossierCode: String?
    var hasData: Bool
}

extension KioskStore {
    /// Every outbox row, read without the partial indexes.
    fileprivate func outboxRows() throws -> [OutboxRow] {
        let db = try openDatabase("reading the outbox for a check")
        let select = try db.prepare(
            "SELECT o.seq, o.id, o.delivered_at IS NOT NULL, o.dead_at IS NOT NULL, o.dossier_code,"
                + " d.seq IS NOT NULL FROM outbox AS o NOT INDEXED LEFT JOIN outbox_data AS d ON d.seq = o.seq")
        var rows: [OutboxRow] = []
        try select.forEachRow { row in
            rows.append(
                OutboxRow(
                    seq: row.int64(at: 0), id: row.string(at: 1) ?? "", delivered: row.int(at: 2) == 1,
                    dead: row.int(at: 3) == 1, dossierCode: row.string(at: 4), hasData: row.int(at: 5) == 1))
        }
        return rows
    }

    fileprivate func dossierCodes() throws -> Set<String> {
        let db = try openDatabase("reading dossier codes for a check")
        let select = try db.prepare("SELECT code FROM dossiers")
        var codes: Set<String> = []
        try select.forEachRow { codes.insert($0.string(at: 0) ?? "") }
        return codes
    }

    fileprivate func hasPrintJob(dossierCode: String) throws -> Bool {
        let db = try openDatabase("reading print jobs for a check")
        return try db.scalar("SELECT count(*) FROM print_jobs WHERE dossier_code = ?", [.text(dossierCode)])?.integer
            ?? 0 > 0
    }
}

/// Files the trials start from.
enum PowerCutTemplates {
    static let versionOneIds = [
        "00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002",
        "00000000-0000-4000-8000-000000000003",
    ]

    /// A file as version 1 of the store wrote it (delivered, dead and pending events with
    /// their data in `outbox`), so opening it runs migration 2.
    static func versionOne(at path: String) throws {
        let db = try Database(path: path)
        try db.setPragma("journal_mode", "WAL")
        try db.transaction {
            try db.execute(Schema.migrations[0])
            try db.setUserVersion(1)
        }
        let at = PowerCutTrial.base
        let insert = try db.prepare(
            "INSERT INTO outbox (id, type, occurred_at, data, delivered_at, delivered_unix, dead_reason, dead_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        try insert.execute([
            .text(versionOneIds[0]), .text("kiosk.health"), .text(at.description), .blob(Array(#"{"n":1}"#.utf8)),
            .text(at.description), .integer(at.unixSeconds), .null, .null,
        ])
        try insert.execute([
            .text(versionOneIds[1]), .text("kiosk.health"), .text(at.description), .blob(Array(#"{"n":2}"#.utf8)),
            .null, .null, .text("rejected"), .text(at.description),
        ])
        try insert.execute([
            .text(versionOneIds[2]), .text("kiosk.health"), .text(at.description), .blob(Array(#"{"n":3}"#.utf8)),
            .null, .null, .null, .null,
        ])
        db.close()
    }
}
