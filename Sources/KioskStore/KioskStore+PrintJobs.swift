import KioskDomain
import KioskSQLite

/// Print jobs: rows until the printer confirmed them, each step of a copy recorded in the row
/// (`queued` → `sending` → `written` → deleted; or `held`). docs/print-once.md argues the
/// durability of each step.
extension KioskStore {
    private static let columns =
        "id, kind, payload, dossier_code, created_at, attempts, stage, session, reprint, crash_reprints, held_reason"

    /// Writes a print job inside the caller's transaction. A `claimed` job is written already
    /// `sending` for this session (attempt 1): the caller is about to print it, and this
    /// transaction's fsync is then the only one before its first byte.
    func insertPrintJob(_ db: Database, _ draft: PrintJobDraft, dossierCode: String?, claimed: Bool = false) throws
        -> PrintJob
    {
        let createdAt = now()
        let insert = try db.cachedStatement(
            "INSERT INTO print_jobs (kind, payload, dossier_code, created_at, attempts, stage, session, reprint, stage_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        let stage: PrintJobStage = claimed ? .sending : .queued
        do {
            try insert.execute([
                .text(draft.kind), .blob(draft.payload), SQLiteValue(dossierCode), .text(createdAt.description),
                .integer(claimed ? 1 : 0), .text(stage.rawValue), claimed ? .text(printSession) : .null,
                .integer(draft.markedReprint ? 1 : 0), .text(createdAt.description),
            ])
        } catch {
            guard error.code == .constraintForeignKey else { throw error }
            throw StoreError(
                .unknownDossier, operation: "writing a print job",
                detail: "no dossier with code \(dossierCode ?? "")", sqliteCode: error.code,
                sqliteMessage: error.message)
        }
        return PrintJob(
            id: db.lastInsertRowID, kind: draft.kind, payload: draft.payload, dossierCode: dossierCode,
            createdAt: createdAt, attempts: claimed ? 1 : 0, stage: stage, session: claimed ? printSession : nil,
            reprint: draft.markedReprint)
    }

    /// Writes a print job on its own (a status slip, a test page); `dossierCode` must name a
    /// recorded dossier when given. A `claimed` job is written already `sending` for this
    /// session: the caller decided it prints now and hands it to the printer next, in
    /// `afterCommit` when it gives one (called with the job on the store's thread once the
    /// transaction committed, before this call returns; it must not block).
    public func enqueuePrintJob(
        _ draft: PrintJobDraft, dossierCode: String?, claimed: Bool = false,
        afterCommit: (@Sendable (PrintJob) -> Void)? = nil
    ) throws -> PrintJob {
        let job = try write("writing a \(draft.kind) print job") { db in
            try insertPrintJob(db, draft, dossierCode: dossierCode, claimed: claimed)
        }
        afterCommit?(job)
        return job
    }

    /// Jobs still to print or to confirm (every stage but `held`), ascending id.
    public func pendingPrintJobs() throws -> [PrintJob] {
        try printJobs(where: "stage <> 'held'", operation: "reading pending print jobs")
    }

    /// Jobs held for a technician, ascending id.
    public func heldPrintJobs() throws -> [PrintJob] {
        try printJobs(where: "stage = 'held'", operation: "reading held print jobs")
    }

    /// Every job in the table (pending and held), ascending id: what `kioskctl queue` shows.
    public func allPrintJobs() throws -> [PrintJob] {
        try printJobs(where: "1", operation: "reading print jobs")
    }

    private func printJobs(where condition: String, operation: String) throws -> [PrintJob] {
        try read(operation) { db in
            let select = try db.cachedStatement(
                "SELECT \(Self.columns) FROM print_jobs WHERE \(condition) ORDER BY id")
            var jobs: [PrintJob] = []
            try select.forEachRow { row in
                let id = row.int64(at: 0)
                jobs.append(
                    PrintJob(
                        id: id, kind: row.string(at: 1) ?? "", payload: row.blob(at: 2) ?? [],
                        dossierCode: row.string(at: 3), createdAt: try row.timestamp(at: 4, "print job \(id)"),
                        attempts: row.int(at: 5), stage: PrintJobStage(rawValue: row.string(at: 6) ?? "") ?? .queued,
                        session: row.string(at: 7), reprint: row.int(at: 8) != 0, crashReprints: row.int(at: 9),
                        heldReason: row.string(at: 10)))
            }
            return jobs
        }
    }

    /// Starts a copy: `sending` for this session, one more attempt, committed with a full
    /// barrier (fsync) before the caller sends the first byte. `reprint` marks the copy for
    /// the banner; `afterCrash` counts it as the one reprint a crash may cause.
    public func recordPrintAttempt(id: Int64, reprint: Bool = false, afterCrash: Bool = false) throws {
        let operation = "recording a print attempt"
        try write(operation) { db in
            try db.cachedStatement(
                "UPDATE print_jobs SET attempts = attempts + 1, stage = 'sending', session = ?, stage_at = ?,"
                    + " reprint = MAX(reprint, ?), crash_reprints = crash_reprints + ? WHERE id = ? AND stage <> 'held'"
            ).execute([
                .text(printSession), .text(now().description), .integer(reprint ? 1 : 0), .integer(afterCrash ? 1 : 0),
                .integer(id),
            ])
            try requireJobChanged(db, id: id, operation: operation)
        }
    }

    /// Every byte of the current copy was written and drained: `written`, committed without
    /// a barrier of its own (a kill cannot undo it; a power cut that does leaves the job
    /// `sending`, which costs at most one marked reprint).
    public func recordPrintWritten(id: Int64) throws {
        let operation = "recording print job \(id) written"
        try writeWithoutBarrier(operation) { db in
            try db.cachedStatement(
                "UPDATE print_jobs SET stage = 'written', session = ?, stage_at = ? WHERE id = ? AND stage <> 'held'"
            ).execute([.text(printSession), .text(now().description), .integer(id)])
            try requireJobChanged(db, id: id, operation: operation)
        }
    }

    /// The current copy did not print whole (or was never started): back to `queued`; `reprint`
    /// marks the next copy for the banner. `attemptNotMade`: no byte was sent after all (the
    /// printer refused the job), so the attempt is not counted. No barrier of its own (a lost
    /// update leaves the job `sending` or `written`, which a restart resolves the same way).
    public func returnPrintJob(id: Int64, reprint: Bool, attemptNotMade: Bool = false) throws {
        try writeWithoutBarrier("returning print job \(id) to the queue") { db in
            try db.cachedStatement(
                "UPDATE print_jobs SET stage = 'queued', session = NULL, stage_at = ?, reprint = MAX(reprint, ?),"
                    + " attempts = MAX(0, attempts - ?) WHERE id = ? AND stage <> 'held'"
            ).execute([
                .text(now().description), .integer(reprint ? 1 : 0), .integer(attemptNotMade ? 1 : 0), .integer(id),
            ])
        }
    }

    /// Keeps a job for a technician with the reason; it is not printed again on its own.
    public func holdPrintJob(id: Int64, reason: String) throws {
        let operation = "holding print job \(id)"
        try write(operation) { db in
            try db.cachedStatement(
                "UPDATE print_jobs SET stage = 'held', session = NULL, stage_at = ?, held_reason = ? WHERE id = ?"
            ).execute([.text(now().description), .text(reason), .integer(id)])
            try requireJobChanged(db, id: id, operation: operation)
        }
    }

    /// Releases a held job and claims it for this run in one transaction (the flows decided it
    /// prints now): `sending` for this session, attempt 1, marked for the reprint banner, its
    /// failure counts reset; committed with a full barrier before the caller hands it to the
    /// printer. Returns the job as it now is, or nil when no job with that id is held.
    public func claimHeldPrintJob(id: Int64) throws -> PrintJob? {
        let claimed = try write("releasing held print job \(id)") { db -> Bool in
            try db.cachedStatement(
                "UPDATE print_jobs SET stage = 'sending', session = ?, held_reason = NULL, attempts = 1,"
                    + " crash_reprints = 0, reprint = 1, stage_at = ? WHERE id = ? AND stage = 'held'"
            ).execute([.text(printSession), .text(now().description), .integer(id)])
            return db.changes == 1
        }
        guard claimed else { return nil }
        return try printJobs(where: "id = \(id)", operation: "reading print job \(id)").first
    }

    /// Removes a confirmed job. Completing a job already gone does nothing (idempotent). No
    /// barrier of its own: a completion lost to a power cut leaves the job `written`, and the
    /// next run confirms it with the printer instead of printing it again.
    public func completePrintJob(id: Int64) throws {
        try writeWithoutBarrier("completing print job \(id)") { db in
            try db.cachedStatement("DELETE FROM print_jobs WHERE id = ?").execute([.integer(id)])
        }
    }

    private func requireJobChanged(_ db: Database, id: Int64, operation: String) throws {
        guard db.changes == 1 else {
            throw StoreError(.unknownPrintJob, operation: operation, detail: "no print job with id \(id) to update")
        }
    }

    /// One `BEGIN IMMEDIATE` transaction committed with `synchronous=NORMAL`: in WAL mode the
    /// commit reaches the WAL file (a killed process cannot lose it) without waiting for the
    /// disk; the next full commit's fsync makes it durable too.
    func writeWithoutBarrier<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        let db = try openDatabase(operation)
        // Cached: two pragmas on each of the cycle's two barrier-less commits.
        try storeOperation(operation) { try db.cachedStatement("PRAGMA synchronous = NORMAL").execute() }
        defer { try? db.cachedStatement("PRAGMA synchronous = FULL").execute() }
        transactionObserver?(operation, false)
        let result = try storeOperation(operation) { try db.transaction(.immediate) { try body(db) } }
        transactionObserver?(operation, true)
        noteCommit()
        return result
    }
}
