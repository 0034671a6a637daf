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
                INSERT INTO dossier_status (code, status, note, at, at_unix, due_date, due_time, documents)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (code) DO UPDATE SET status = excluded.status, note = excluded.note, at = excluded.at,
                    at_unix = excluded.at_unix,
                    due_date = coalesce(excluded.due_date, dossier_status.due_date),
                    due_time = CASE WHEN excluded.due_date IS NULL THEN dossier_status.due_time
                        ELSE excluded.due_time END,
                    documents = excluded.documents
                WHERE excluded.at_unix >= dossier_status.at_unix
                """)
            for update in updates {
                try upsert.execute([
                    .text(update.code), .text(update.status.rawValue), SQLiteValue(update.note),
                    .text(update.at.description), .integer(update.at.unixSeconds),
                    SQLiteValue(update.dueDate?.description), SQLiteValue(update.dueTime?.description),
                    SQLiteValue(Self.documentLines(update.documents)),
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
            let select = try db.cachedStatement(
                "SELECT status, note, at, due_date, due_time, documents FROM dossier_status WHERE code = ?")
            try select.bind([.text(code)])
            defer { select.reset() }
            guard try select.step() == .row else { return nil }
            guard let status = select.string(at: 0).flatMap(DossierStatus.init(rawValue:)) else {
                throw StoreError(.malformedRow, operation: "reading status of \(code)", detail: "unknown status")
            }
            return DossierStatusUpdate(
                code: code, status: status, note: select.string(at: 1),
                at: try select.timestamp(at: 2, "status of \(code)"),
                dueDate: select.string(at: 3).flatMap(CalendarDay.init(iso:)),
                dueTime: select.string(at: 4).flatMap(TimeOfDay.init(parsing:)),
                documents: Self.documents(lines: select.string(at: 5)))
        }
    }

    /// Documents as stored: one `kind<TAB>count<TAB>name` a line; nil for none.
    static func documentLines(_ documents: [DossierDocument]) -> String? {
        guard !documents.isEmpty else { return nil }
        // Tabs and line ends inside a name would split it: they become spaces.
        func flat(_ name: String) -> String { String(name.map { $0 == "\t" || $0.isNewline ? " " : $0 }) }
        return documents.map { "\($0.kind.rawValue)\t\($0.count)\t\(flat($0.name))" }.joined(separator: "\n")
    }

    /// The documents of `documentLines`; a malformed line is skipped.
    static func documents(lines: String?) -> [DossierDocument] {
        guard let lines else { return [] }
        return lines.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let kind = DossierDocument.Kind(rawValue: String(parts[0])),
                let count = Int(parts[1])
            else { return nil }
            return DossierDocument(name: String(parts[2]), kind: kind, count: count)
        }
    }
}
