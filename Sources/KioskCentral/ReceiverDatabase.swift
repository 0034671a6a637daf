import KioskProtocol
import KioskSQLite

#if canImport(Glibc)
    import Glibc
#endif

/// An event as the receiver stored it.
public struct StoredEvent: Sendable, Equatable {
    /// The kiosk that sent it (the signer).
    public var kiosk: String
    /// The event's UUID.
    public var id: String
    /// The kiosk's sequence number.
    public var seq: Int64
    /// `dossier.received`, …
    public var type: String
    /// `occurredAt` as sent.
    public var occurredAt: String
    /// The `data` JSON value, exactly the bytes that were in the request body.
    public var data: [UInt8]
    /// When the receiver stored it, Unix seconds.
    public var receivedAt: Int64
}

/// What storing one event did.
enum StoreOutcome {
    case inserted
    case alreadyStored
}

/// The receiver's SQLite file (WAL): events, status updates, nonces.
///
/// Not `Sendable`: `CentralServer` keeps it behind a mutex. The `kiosk-central set-status`
/// command opens the same file from another process; WAL and the busy timeout let both work.
final class ReceiverDatabase {
    private let database: Database

    /// How long a nonce is remembered (protocol: replay within 10 minutes).
    static let nonceLifetime: Int64 = 600

    /// Mode of the receiver's database, `-wal` and `-shm`: the events hold personal data, so
    /// the owner writes, its group (a central team's readers) reads, others nothing.
    static let mode: mode_t = 0o640

    init(path: String) throws {
        try DatabaseFileMode.apply(Self.mode, toDatabaseAt: path)
        database = try Database(path: path)
        try database.setBusyTimeout(milliseconds: 5_000)
        try database.setPragma("journal_mode", "WAL")
        // FULL: the WAL is fsynced at every commit, so an event answered `accepted` (the kiosk
        // then forgets it) survives a power cut of the receiver. NORMAL would skip that sync
        // and could lose the last commits. The cost is one fsync per batch (one transaction
        // holds the nonce and all the batch's events), not per event.
        try database.setPragma("synchronous", "FULL")
        // 64 MiB of page cache: the id index is random (UUIDs), so big drains hit many pages.
        try database.setPragma("cache_size", "-65536")
        // Checkpoint every 8,192 WAL pages (32 MiB) instead of SQLite's 1,000: the id index is
        // random (UUIDs), so each batch dirties about one index page per event; between two
        // checkpoints many of those pages are written again, and a longer interval copies each
        // of them to the database file once. Measured on a 50,000-event drain: 17% fewer
        // bytes written and 15% less receiver CPU. Durability is unchanged (commits sync the WAL).
        try database.setPragma("wal_autocheckpoint", "8192")
        try migrate()
    }

    private func migrate() throws {
        try migrateToVersion1()
        // Version 2: the optional fields of an update (central-protocol.md): a new appointment
        // and the documents still needed (a JSON array as sent).
        guard try database.userVersion() < 2 else { return }
        try database.transaction {
            try database.execute(
                """
                ALTER TABLE updates ADD COLUMN due_date TEXT;
                ALTER TABLE updates ADD COLUMN due_time TEXT;
                ALTER TABLE updates ADD COLUMN documents TEXT;
                """)
            try database.setUserVersion(2)
        }
    }

    private func migrateToVersion1() throws {
        guard try database.userVersion() < 1 else { return }
        try database.transaction {
            try database.execute(
                """
                CREATE TABLE IF NOT EXISTS events (
                    kiosk TEXT NOT NULL,
                    id TEXT NOT NULL UNIQUE,
                    seq INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    occurred_at TEXT NOT NULL,
                    data BLOB NOT NULL,
                    received_at INTEGER NOT NULL
                );
                CREATE INDEX IF NOT EXISTS events_by_kiosk ON events (kiosk, seq);
                CREATE TABLE IF NOT EXISTS updates (
                    serial INTEGER PRIMARY KEY AUTOINCREMENT,
                    kiosk TEXT NOT NULL,
                    code TEXT NOT NULL,
                    status TEXT NOT NULL,
                    note TEXT,
                    at TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS updates_by_kiosk ON updates (kiosk, serial);
                CREATE TABLE IF NOT EXISTS nonces (
                    kiosk TEXT NOT NULL,
                    nonce TEXT NOT NULL,
                    seen_at INTEGER NOT NULL,
                    PRIMARY KEY (kiosk, nonce)
                ) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS nonces_by_age ON nonces (seen_at);
                """)
            try database.setUserVersion(1)
        }
    }

    // MARK: Events

    /// Runs `body` in one write transaction (a whole batch commits at once).
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try database.transaction(.immediate, body)
    }

    /// Whether an event id is already stored.
    func containsEvent(id: String) throws -> Bool {
        let statement = try database.cachedStatement("SELECT 1 FROM events WHERE id = ?")
        try statement.bind(id, at: 1)
        defer { statement.reset() }
        return try statement.step() == .row
    }

    /// Stores an event once; a second insert of the same id changes nothing.
    func insertEvent(_ event: StoredEvent) throws -> StoreOutcome {
        let statement = try database.cachedStatement(
            "INSERT INTO events (kiosk, id, seq, type, occurred_at, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
        )
        try statement.execute([
            .text(event.kiosk), .text(event.id), .integer(event.seq), .text(event.type), .text(event.occurredAt),
            .blob(event.data), .integer(event.receivedAt),
        ])
        return database.changes == 1 ? .inserted : .alreadyStored
    }

    /// Stored events of one kiosk (or all kiosks), ascending by kiosk then seq.
    func events(kiosk: String?) throws -> [StoredEvent] {
        let columns = "kiosk, id, seq, type, occurred_at, data, received_at"
        let statement: Statement
        var values: [SQLiteValue] = []
        if let kiosk {
            statement = try database.cachedStatement(
                "SELECT \(columns) FROM events WHERE kiosk = ? ORDER BY seq, rowid")
            values = [.text(kiosk)]
        } else {
            statement = try database.cachedStatement("SELECT \(columns) FROM events ORDER BY kiosk, seq, rowid")
        }
        var result: [StoredEvent] = []
        try statement.forEachRow(values) { row in
            result.append(
                StoredEvent(
                    kiosk: row.string(at: 0) ?? "", id: row.string(at: 1) ?? "", seq: row.int64(at: 2),
                    type: row.string(at: 3) ?? "", occurredAt: row.string(at: 4) ?? "", data: row.blob(at: 5) ?? [],
                    receivedAt: row.int64(at: 6)))
        }
        return result
    }

    // MARK: Status updates

    /// Appends a status update for a kiosk; returns its serial (the cursor after it).
    @discardableResult
    func appendUpdate(
        kiosk: String, code: String, status: String, note: String?, at: String, dueDate: String? = nil,
        dueTime: String? = nil, documents: [WireDocument]? = nil
    ) throws -> Int64 {
        let statement = try database.cachedStatement(
            "INSERT INTO updates (kiosk, code, status, note, at, due_date, due_time, documents)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        let documentsJSON = try documents.map { try JSONDocumentEncoder().encodeToString($0) }
        try statement.execute([
            .text(kiosk), .text(code), .text(status), SQLiteValue(note), .text(at), SQLiteValue(dueDate),
            SQLiteValue(dueTime), SQLiteValue(documentsJSON),
        ])
        return database.lastInsertRowID
    }

    /// Updates of a kiosk with serial greater than `after`, oldest first, at most `limit`.
    func updates(kiosk: String, after: Int64, limit: Int) throws -> [(serial: Int64, update: WireStatusUpdate)] {
        let statement = try database.cachedStatement(
            "SELECT serial, code, status, note, at, due_date, due_time, documents FROM updates"
                + " WHERE kiosk = ? AND serial > ? ORDER BY serial LIMIT ?")
        var rows: [(serial: Int64, update: WireStatusUpdate)] = []
        try statement.forEachRow([.text(kiosk), .integer(after), .integer(Int64(limit))]) { row in
            let documents = row.string(at: 7).flatMap {
                try? JSONDocumentDecoder().decode([WireDocument].self, from: Array($0.utf8))
            }
            rows.append(
                (
                    row.int64(at: 0),
                    WireStatusUpdate(
                        code: row.string(at: 1) ?? "", status: row.string(at: 2) ?? "", note: row.string(at: 3),
                        at: row.string(at: 4) ?? "", dueDate: row.string(at: 5), dueTime: row.string(at: 6),
                        documents: documents)
                ))
        }
        return rows
    }

    // MARK: Nonces

    /// Records a nonce in its own transaction; false when the kiosk used it within the last
    /// 10 minutes (a replay).
    func recordNonce(kiosk: String, nonce: String, now: Int64) throws -> Bool {
        try database.transaction(.immediate) { try recordNonceInTransaction(kiosk: kiosk, nonce: nonce, now: now) }
    }

    /// Records a nonce inside the caller's transaction (a batch records its nonce and its
    /// events in one commit); false when it is a replay.
    ///
    /// Expired nonces are deleted on the way, so the table holds at most ten minutes of traffic.
    func recordNonceInTransaction(kiosk: String, nonce: String, now: Int64) throws -> Bool {
        let purge = try database.cachedStatement("DELETE FROM nonces WHERE seen_at < ?")
        try purge.execute([.integer(now - Self.nonceLifetime)])
        let insert = try database.cachedStatement(
            "INSERT INTO nonces (kiosk, nonce, seen_at) VALUES (?, ?, ?) ON CONFLICT (kiosk, nonce) DO NOTHING")
        try insert.execute([.text(kiosk), .text(nonce), .integer(now)])
        return database.changes == 1
    }
}
