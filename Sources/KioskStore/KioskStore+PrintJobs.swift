import KioskDomain
import KioskSQLite

/// Print jobs: rows until the printer took all their bytes with no fault.
extension KioskStore {
    /// Writes a print job inside the caller's transaction.
    func insertPrintJob(_ db: Database, _ draft: PrintJobDraft, dossierCode: String?) throws -> PrintJob {
        let createdAt = now()
        let insert = try db.cachedStatement(
            "INSERT INTO print_jobs (kind, payload, dossier_code, created_at) VALUES (?, ?, ?, ?)")
        do {
            try insert.execute([
                .text(draft.kind), .blob(draft.payload), SQLiteValue(dossierCode), .text(createdAt.description),
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
            createdAt: createdAt, attempts: 0)
    }

    /// Writes a print job on its own (a status slip, a test page); `dossierCode` must name a
    /// recorded dossier when given.
    public func enqueuePrintJob(_ draft: PrintJobDraft, dossierCode: String?) throws -> PrintJob {
        try write("writing a \(draft.kind) print job") { db in try insertPrintJob(db, draft, dossierCode: dossierCode) }
    }

    /// Jobs not yet completed, ascending id.
    public func pendingPrintJobs() throws -> [PrintJob] {
        try read("reading pending print jobs") { db in
            let select = try db.cachedStatement(
                "SELECT id, kind, payload, dossier_code, created_at, attempts FROM print_jobs ORDER BY id")
            var jobs: [PrintJob] = []
            try select.forEachRow { row in
                let id = row.int64(at: 0)
                jobs.append(
                    PrintJob(
                        id: id, kind: row.string(at: 1) ?? "", payload: row.blob(at: 2) ?? [],
                        dossierCode: row.string(at: 3), createdAt: try row.timestamp(at: 4, "print job \(id)"),
                        attempts: row.int(at: 5)))
            }
            return jobs
        }
    }

    /// Counts an attempt to print a job (before its bytes go out, so a power cut mid-job
    /// shows on restart as an attempt: the reprint is marked late).
    public func recordPrintAttempt(id: Int64) throws {
        let operation = "recording a print attempt"
        try write(operation) { db in
            try db.cachedStatement("UPDATE print_jobs SET attempts = attempts + 1 WHERE id = ?").execute([.integer(id)])
            guard db.changes == 1 else {
                throw StoreError(.unknownPrintJob, operation: operation, detail: "no print job with id \(id)")
            }
        }
    }

    /// Removes a printed job. Completing a job already gone does nothing (idempotent).
    public func completePrintJob(id: Int64) throws {
        try write("completing print job \(id)") { db in
            try db.cachedStatement("DELETE FROM print_jobs WHERE id = ?").execute([.integer(id)])
        }
    }
}
