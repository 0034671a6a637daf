import KioskSQLite

/// One of the numbers an intake takes: the tracking code's sequence of the day, or the line
/// of the register book.
///
/// The current one (its day or book, and its last number) is a pair of rows of
/// `sqlite_sequence`, whose page every intake writes anyway (schema version 6): taking a
/// number costs no page of its own. Past days and books are kept in their own table (the
/// archive: `daily_sequence`, `intake_register`), written when the day or the book changes;
/// a day or book met again (a clock set back) continues from its archived number, so a
/// number is never given twice.
struct IntakeNumberCounter {
    /// The `sqlite_sequence` row holding the current day or book.
    let keyRow: String
    /// The `sqlite_sequence` row holding its last number.
    let numberRow: String
    /// The archive table, its key column and its number column.
    let archive: String
    let keyColumn: String
    let numberColumn: String

    /// The day's tracking-code sequence (1, 2, 3 … per day).
    static let daySequence = IntakeNumberCounter(
        keyRow: Schema.intakeDayCounter, numberRow: Schema.intakeSequenceCounter, archive: "daily_sequence",
        keyColumn: "day", numberColumn: "last_value")
    /// The register book's line (1, 2, 3 … per book).
    static let registerLine = IntakeNumberCounter(
        keyRow: Schema.registerBookCounter, numberRow: Schema.registerNumberCounter, archive: "intake_register",
        keyColumn: "book", numberColumn: "last_number")

    /// Takes the next number for `key` inside the caller's write transaction.
    func take(_ db: Database, key: String) throws -> Int {
        // The usual case, one statement: `key` is the current day or book.
        let next = try db.cachedStatement(
            "UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = ?"
                + " AND (SELECT seq FROM sqlite_sequence WHERE name = ?) = ? RETURNING seq")
        let taken = try { () throws -> Int? in
            try next.bind([.text(numberRow), .text(keyRow), .text(key)])
            defer { next.reset() }
            return try next.step() == .row ? next.int(at: 0) : nil
        }()
        if let taken { return taken }
        // A new day or book: the finished one goes to the archive, the new one starts after
        // what the archive holds for it.
        var finished: (key: String, number: Int64)?
        try db.cachedStatement(
            "SELECT (SELECT seq FROM sqlite_sequence WHERE name = ?), (SELECT seq FROM sqlite_sequence WHERE name = ?)"
        ).forEachRow([.text(keyRow), .text(numberRow)]) { row in
            if let key = row.string(at: 0), !row.isNull(at: 1) { finished = (key, row.int64(at: 1)) }
        }
        if let finished {
            try db.cachedStatement(
                "INSERT INTO \(archive) (\(keyColumn), \(numberColumn)) VALUES (?, ?) ON CONFLICT (\(keyColumn))"
                    + " DO UPDATE SET \(numberColumn) = max(\(numberColumn), excluded.\(numberColumn))"
            ).execute([.text(finished.key), .integer(finished.number)])
        }
        let archived =
            try db.scalar("SELECT \(numberColumn) FROM \(archive) WHERE \(keyColumn) = ?", [.text(key)])?.integer ?? 0
        // Rows written anew rather than updated: they exist whatever became of the old ones.
        try db.cachedStatement("DELETE FROM sqlite_sequence WHERE name IN (?, ?)").execute([
            .text(keyRow), .text(numberRow),
        ])
        try db.cachedStatement("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?), (?, ?)").execute([
            .text(keyRow), .text(key), .text(numberRow), .integer(archived + 1),
        ])
        return Int(archived) + 1
    }

    /// The last number taken for `key` (0 when none), read inside the caller's transaction.
    func last(_ db: Database, key: String) throws -> Int {
        let value = try db.cachedStatement(
            "SELECT CASE WHEN (SELECT seq FROM sqlite_sequence WHERE name = ?) = ?"
                + " THEN (SELECT seq FROM sqlite_sequence WHERE name = ?)"
                + " ELSE (SELECT \(numberColumn) FROM \(archive) WHERE \(keyColumn) = ?) END")
        try value.bind([.text(keyRow), .text(key), .text(numberRow), .text(key)])
        defer { value.reset() }
        guard try value.step() == .row else { return 0 }
        return value.int(at: 0)
    }
}
