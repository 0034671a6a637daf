import KioskDomain
import KioskSQLite

/// Statuses of dossiers from the central server's updates feed, and the feed's cursor.
extension KioskStore {
    private static let cursorKey = "updates_cursor"

    /// The cursor to send as `after`, nil before the first poll.
    public func updatesCursor() throws -> String? {
        try read("reading the updates cursor") { db in
            let select = try db.cachedStatement("SELECT value FROM kiosk_state WHERE key = ?")
            try select.bind([.text(Self.cursorKey)])
            defer { select.reset() }
            return try select.step() == .row ? select.string(at: 0) : nil
        }
    }

    /// Stores the latest status per dossier and the new cursor, in one transaction, so a crash
    /// never keeps a cursor past updates it did not store. An update older than the one stored
    /// for its code is ignored; a nil `cursor` keeps the current one.
    public func applyStatusUpdates(_ updates: [DossierStatusUpdate], cursor: String?) throws {
        try write("storing \(updates.count) status updates") { db in
            let upsert = try db.cachedStatement(
                """
                INSERT INTO dossier_status (code, status, note, at, at_unix) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET status = excluded.status, note = excluded.note, at = excluded.at,
                    at_unix = excluded.at_unix
                WHERE excluded.at_unix >= dossier_status.at_unix
                """)
            for update in updates {
                try upsert.execute([
                    .text(update.code), .text(update.status.rawValue), SQLiteValue(update.note),
                    .text(update.at.description), .integer(update.at.unixSeconds),
                ])
            }
            if let cursor {
                try db.cachedStatement(
                    "INSERT INTO kiosk_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                ).execute([.text(Self.cursorKey), .text(cursor)])
            }
        }
    }

    /// The latest status the server reported for a dossier, nil when none.
    public func latestStatus(code: String) throws -> DossierStatusUpdate? {
        try read("reading a dossier status") { db in
            let select = try db.cachedStatement("SELECT status, note, at FROM dossier_status WHERE code = ?")
            try select.bind([.text(code)])
            defer { select.reset() }
            guard try select.step() == .row else { return nil }
            guard let status = select.string(at: 0).flatMap(DossierStatus.init(rawValue:)) else {
                throw StoreError(.malformedRow, operation: "reading status of \(code)", detail: "unknown status")
            }
            return DossierStatusUpdate(
                code: code, status: status, note: select.string(at: 1),
                at: try select.timestamp(at: 2, "status of \(code)"))
        }
    }
}
