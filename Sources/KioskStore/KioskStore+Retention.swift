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
            // Only the dossiers falling due now are touched, each through its own row: the
            // cost follows what is purged, not how many dossiers the kiosk ever recorded.
            var scrubbed: [String] = []
            var events: [String] = []
            var deleted = 0
            let deleteEvents = try db.cachedStatement(Self.deleteDeliveredEventsOfDossier)
            try db.cachedStatement(Self.scrubDueDossiers).forEachRow([.integer(cutoff)]) { row in
                scrubbed.append(row.string(at: 0) ?? "")
                if let seqs = row.string(at: 1) { events.append(seqs) }
            }
            for seqs in events {
                try deleteEvents.execute([.text(seqs)])
                deleted += db.changes
            }
            if !scrubbed.isEmpty {
                try db.cachedStatement(Self.deletePrintJobsOfDossiers).execute([.text(Self.jsonArray(scrubbed))])
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
    /// events are all delivered, and returns their codes and their events' `seq` (the JSON
    /// array the dossier's row keeps, schema version 6). A range of the index of unpurged
    /// dossiers by reception time; each dossier's events looked up by `seq`.
    static let scrubDueDossiers = """
        UPDATE dossiers SET applicant_id_number = NULL, applicant_name = NULL, applicant_birth_date = NULL,
            applicant_address = NULL, delivery_address = NULL, purged = 1
        WHERE purged = 0 AND received_unix < ?
            AND NOT EXISTS (SELECT 1 FROM json_each(dossiers.event_seqs) AS listed
                JOIN outbox ON outbox.seq = listed.value WHERE outbox.delivered_at IS NULL)
        RETURNING code, event_seqs
        """
    /// Step 1 too: the scrubbed dossiers' print jobs (`?`: a JSON array of their codes), which
    /// hold the same data; one pass over the jobs not yet printed.
    static let deletePrintJobsOfDossiers = """
        DELETE FROM print_jobs WHERE dossier_code IN (SELECT value FROM json_each(?))
        """
    /// Step 2: a scrubbed dossier's delivered events (`?`: its `event_seqs`).
    static let deleteDeliveredEventsOfDossier = """
        DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(?)) AND delivered_at IS NOT NULL
        """
    /// Step 3: every event delivered before the cutoff: a range of `outbox_delivered`.
    static let deleteEventsDeliveredBefore =
        "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_unix < ?"

    /// Every statement a purge runs, for the test that no step walks a table it need not:
    /// the only whole table read is `print_jobs`, the print queue.
    static let purgeStatements = [
        scrubDueDossiers, deletePrintJobsOfDossiers, deleteDeliveredEventsOfDossier, deleteEventsDeliveredBefore,
    ]

    /// Texts as a JSON array of strings, for `json_each`.
    static func jsonArray(_ texts: [String]) -> String {
        var json = "["
        for (index, text) in texts.enumerated() {
            if index > 0 { json += "," }
            json += "\""
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": json += "\\\""
                case "\\": json += "\\\\"
                case _ where scalar.value < 0x20: json += "\\u" + String(scalar.value + 0x10000, radix: 16).dropFirst()
                default: json.unicodeScalars.append(scalar)
                }
            }
            json += "\""
        }
        return json + "]"
    }
}
