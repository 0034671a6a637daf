import CKioskShim
import CSQLite

/// One SQLite connection.
///
/// Not `Sendable`: a `Database` has one owner (an actor or a serial queue) that does all its
/// work, as in GRDB. Values always go in as bound parameters of a ``Statement``.
public final class Database {
    /// The path the connection was opened with.
    public let path: String
    /// The `sqlite3 *`; nil once closed.
    private var connection: OpaquePointer?
    /// Statements prepared by ``cachedStatement(_:)``, by SQL text.
    private var statementCache: [String: Statement] = [:]
    /// Frames in the WAL after this connection's last commit, once ``trackWALFrames()`` is on.
    public private(set) var walFrames = 0

    /// Opens (or creates) the database file at `path`, with extended result codes on.
    ///
    /// Throws `SQLITE_CANTOPEN` and the like here; a file that is not a database is usually
    /// only detected by the first statement that reads it (`SQLITE_NOTADB`). `vfs` names a
    /// registered SQLite VFS (tests simulate power cuts with one); nil is the default.
    /// The corresponding C function is `sqlite3_open_v2`.
    public init(path: String, flags: OpenFlags = .default, vfs: String? = nil) throws(SQLiteError) {
        _ = ProcessSettings.applied
        var handle: OpaquePointer?
        let code = sqlite3_open_v2(path, &handle, flags.rawValue, vfs)
        guard code == SQLITE_OK, let handle else {
            let error = SQLiteError(code: code, connection: handle, context: "open \(path)")
            sqlite3_close_v2(handle)
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
        self.path = path
        self.connection = handle
    }

    deinit { close() }

    /// The open connection; using a closed database is a programmer mistake.
    private var handle: OpaquePointer {
        guard let connection else { fatalError("KioskSQLite: database \(path) used after close()") }
        return connection
    }

    /// Whether ``close()`` was called.
    public var isClosed: Bool { connection == nil }

    /// Finalizes cached statements and closes the connection. Statements still held
    /// elsewhere keep the connection alive until they are released (a zombie connection,
    /// `sqlite3_close_v2`), so closing never fails with `SQLITE_BUSY`. Calling it twice is fine.
    public func close() {
        statementCache.removeAll()
        if let connection { sqlite3_close_v2(connection) }
        connection = nil
    }

    // MARK: Statements

    /// Prepares one SQL statement. The corresponding C function is `sqlite3_prepare_v2`.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(connection: handle, sql: sql)
    }

    /// A statement prepared once and kept for the life of the connection: for hot paths.
    /// It is reset before it is handed out.
    public func cachedStatement(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// Runs SQL text of one or more statements with no parameters (schema, pragmas).
    ///
    /// The corresponding C function is `sqlite3_exec`.
    public func execute(_ sql: String) throws(SQLiteError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw SQLiteError(code: code, connection: handle, context: sql) }
    }

    /// Prepares one statement, binds `values` (1, 2, 3 …) and runs it to completion.
    public func execute(_ sql: String, _ values: [SQLiteValue]) throws(SQLiteError) {
        try prepare(sql).execute(values)
    }

    /// The first column of the first row of a query, nil when there is no row.
    public func scalar(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> SQLiteValue? {
        let statement = try prepare(sql)
        try statement.bind(values)
        defer { statement.reset() }
        return try statement.step() == .row ? statement.value(at: 0) : nil
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: commits when it returns, rolls back when it throws
    /// (and rethrows its error). Writers use `.immediate` (the default).
    ///
    /// Nesting is a programmer mistake; use one transaction per unit of work.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        precondition(!isInTransaction, "KioskSQLite: nested transaction on \(path)")
        // Prepared once per connection: a store runs one or more of these per intake.
        try cachedStatement("BEGIN \(kind.rawValue)").execute()
        let result: T
        do {
            result = try body()
        } catch {
            rollbackIfNeeded()
            throw error
        }
        do {
            try cachedStatement("COMMIT").execute()
        } catch {
            rollbackIfNeeded()
            throw error
        }
        return result
    }

    /// Rolls back when a transaction is still open (SQLite ends some itself on I/O errors).
    private func rollbackIfNeeded() {
        guard isInTransaction else { return }
        // A failed rollback leaves nothing better to do; the caller's error is what matters.
        _ = sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
    }

    /// Whether a transaction is open. The corresponding C function is `sqlite3_get_autocommit`.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    // MARK: Connection settings and facts

    /// How long a statement waits for another connection's lock before `SQLITE_BUSY`.
    ///
    /// The corresponding C function is `sqlite3_busy_timeout`.
    public func setBusyTimeout(milliseconds: Int) throws(SQLiteError) {
        let code = sqlite3_busy_timeout(handle, Int32(clamping: milliseconds))
        guard code == SQLITE_OK else {
            throw SQLiteError(code: code, connection: handle, context: "set busy timeout")
        }
    }

    /// Reads a pragma (`PRAGMA name`): its first value, nil when it returns no row.
    ///
    /// `name` must be a pragma name from code (letters, digits, `_`, optional `schema.`).
    public func pragma(_ name: String) throws(SQLiteError) -> SQLiteValue? {
        precondition(Self.isPragmaWord(name), "KioskSQLite: bad pragma name \(name)")
        return try scalar("PRAGMA \(name)")
    }

    /// Sets a pragma (`PRAGMA name = value`) and returns what it answers, if anything
    /// (`journal_mode` answers the mode actually in force).
    ///
    /// Pragmas cannot take bound parameters, so `name` and `value` must be words from code
    /// (letters, digits, `_`, `-`), never data.
    @discardableResult
    public func setPragma(_ name: String, _ value: String) throws(SQLiteError) -> SQLiteValue? {
        precondition(Self.isPragmaWord(name) && Self.isPragmaWord(value), "KioskSQLite: bad pragma \(name)=\(value)")
        return try scalar("PRAGMA \(name) = \(value)")
    }

    private static func isPragmaWord(_ text: String) -> Bool {
        !text.isEmpty
            && text.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f
                    || c == 0x2e || c == 0x2d
            }
    }

    /// `PRAGMA user_version`: the schema version migrations maintain.
    public func userVersion() throws(SQLiteError) -> Int {
        Int(try pragma("user_version")?.integer ?? 0)
    }

    /// Sets `PRAGMA user_version`.
    public func setUserVersion(_ version: Int) throws(SQLiteError) {
        try setPragma("user_version", String(version))
    }

    /// Keeps ``walFrames`` up to date: after each commit in WAL mode, the number of frames the
    /// WAL holds (`sqlite3_wal_hook`). It replaces SQLite's automatic checkpoint (as
    /// `PRAGMA wal_autocheckpoint` does; setting that pragma again removes this hook).
    public func trackWALFrames() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_wal_hook(
            handle,
            { context, _, _, frames in
                guard let context else { return SQLITE_OK }
                Unmanaged<Database>.fromOpaque(context).takeUnretainedValue().walFrames = Int(frames)
                return SQLITE_OK
            }, context)
    }

    /// The write calls SQLite made on this connection's WAL file and the writes that reached the
    /// file through the write buffer (``ProcessSettings/walWriteBuffer``); nil while no WAL is
    /// open or when it is not buffered (another VFS).
    public var walWrites: (sqlite: Int, file: Int)? {
        var sqliteWrites: Int64 = 0
        var fileWrites: Int64 = 0
        guard kiosk_sqlite3_wal_write_counts(UnsafeMutableRawPointer(handle), &sqliteWrites, &fileWrites) == 0
        else { return nil }
        return (Int(sqliteWrites), Int(fileWrites))
    }

    /// Rowid of the last successful insert on this connection.
    ///
    /// The corresponding C function is `sqlite3_last_insert_rowid`.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Rows changed by the last insert, update or delete.
    ///
    /// The corresponding C function is `sqlite3_changes`.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Rows changed since the connection opened. The corresponding C function is `sqlite3_total_changes`.
    public var totalChanges: Int { Int(sqlite3_total_changes(handle)) }
}
