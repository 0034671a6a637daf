import KioskDomain
import KioskSQLite

/// Retention: personal data of delivered dossiers is erased after `RetentionDays`, delivered
/// events are deleted, and the freed pages go back to the file system.
extension KioskStore {
    /// Purges, in one transaction:
    /// 1. dossiers received more than `retentionDays` ago whose events are all delivered
    ///    (none pending, none dead): their ID number, name, birth date, address and delivery
    ///    address are set to NULL, and their unprinted print jobs (which hold the same data)
    ///    deleted;
    /// 2. every delivered event of a scrubbed dossier;
    /// 3. every other event delivered more than `retentionDays` ago.
    ///
    /// Then `PRAGMA incremental_vacuum` and a WAL checkpoint give the freed pages back, so the
    /// file stays bounded. Pending and dead events are never deleted.
    public func purge(retentionDays: Int, now: Timestamp) throws -> PurgeReport {
        let operation = "purging data older than \(retentionDays) days"
        guard retentionDays >= 0 else {
            throw StoreError(.invalidArgument, operation: operation, detail: "negative retention")
        }
        // An absurd retention purges nothing rather than trapping on overflow.
        let (span, spanOverflow) = Int64(clamping: retentionDays).multipliedReportingOverflow(by: 86400)
        let (difference, differenceOverflow) = now.unixSeconds.subtractingReportingOverflow(span)
        let cutoff = spanOverflow || differenceOverflow ? Int64.min : difference
        let report = try write(operation) { db -> PurgeReport in
            try db.execute(
                """
                UPDATE dossiers SET applicant_id_number = NULL, applicant_name = NULL, applicant_birth_date = NULL,
                    applicant_address = NULL, delivery_address = NULL, purged = 1
                WHERE purged = 0 AND received_unix < ?
                    AND NOT EXISTS (SELECT 1 FROM outbox
                        WHERE outbox.dossier_code = dossiers.code AND outbox.delivered_at IS NULL)
                """, [.integer(cutoff)])
            let scrubbed = db.changes
            try db.execute(
                """
                DELETE FROM print_jobs WHERE dossier_code IN (SELECT code FROM dossiers WHERE purged = 1)
                """, [])
            try db.execute(
                """
                DELETE FROM outbox WHERE delivered_at IS NOT NULL
                    AND dossier_code IN (SELECT code FROM dossiers WHERE purged = 1)
                """, [])
            var deleted = db.changes
            try db.execute(
                "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_unix < ?", [.integer(cutoff)])
            deleted += db.changes
            return PurgeReport(eventsDeleted: deleted, dossiersScrubbed: scrubbed)
        }
        let db = try openDatabase(operation)
        try storeOperation("reclaiming free pages") {
            try db.execute("PRAGMA incremental_vacuum")
            try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        return report
    }
}
