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
            // Only the dossiers falling due now are touched, each through its indexes: the
            // cost follows what is purged, not how many dossiers the kiosk ever recorded.
            var scrubbed: [String] = []
            try db.cachedStatement(Self.scrubDueDossiers).forEachRow([.integer(cutoff)]) {
                scrubbed.append($0.string(at: 0) ?? "")
            }
            var deleted = 0
            let deleteJobs = try db.cachedStatement(Self.deletePrintJobsOfDossier)
            let deleteEvents = try db.cachedStatement(Self.deleteDeliveredEventsOfDossier)
            for code in scrubbed {
                try deleteJobs.execute([.text(code)])
                try deleteEvents.execute([.text(code)])
                deleted += db.changes
            }
            try db.cachedStatement(Self.deleteEventsDeliveredBefore).execute([.integer(cutoff)])
            deleted += db.changes
            return PurgeReport(eventsDeleted: deleted, dossiersScrubbed: scrubbed.count)
        }
        let db = try openDatabase(operation)
        try storeOperation("reclaiming free pages") {
            try db.execute("PRAGMA incremental_vacuum")
            try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        checkpoints.commitsSince = 0
        return report
    }

    /// Step 1: erases the personal data of dossiers received before the cutoff (`?`) whose
    /// events are all delivered, and returns their codes. A range of the index of unpurged
    /// dossiers by reception time; each dossier's events looked up by `outbox_by_dossier`.
    static let scrubDueDossiers = """
        UPDATE dossiers SET applicant_id_number = NULL, applicant_name = NULL, applicant_birth_date = NULL,
            applicant_address = NULL, delivery_address = NULL, purged = 1
        WHERE purged = 0 AND received_unix < ?
            AND NOT EXISTS (SELECT 1 FROM outbox
                WHERE outbox.dossier_code = dossiers.code AND outbox.delivered_at IS NULL)
        RETURNING code
        """
    /// Step 1 too: a scrubbed dossier's print jobs, which hold the same data.
    static let deletePrintJobsOfDossier = "DELETE FROM print_jobs WHERE dossier_code = ?"
    /// Step 2: a scrubbed dossier's delivered events.
    static let deleteDeliveredEventsOfDossier =
        "DELETE FROM outbox WHERE dossier_code = ? AND delivered_at IS NOT NULL"
    /// Step 3: every event delivered before the cutoff: a range of `outbox_delivered`.
    static let deleteEventsDeliveredBefore =
        "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_unix < ?"

    /// Every statement a purge runs, for the test that no step walks a whole table.
    static let purgeStatements = [
        scrubDueDossiers, deletePrintJobsOfDossier, deleteDeliveredEventsOfDossier, deleteEventsDeliveredBefore,
    ]
}
