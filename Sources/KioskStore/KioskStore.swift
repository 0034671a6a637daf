import KioskDomain
import KioskSQLite

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The kiosk's durable store: dossiers, the outbox of events for the central server, print
/// jobs, and the statuses the server reports.
///
/// One SQLite connection owned by this actor. WAL, `synchronous=FULL` (a returned write has
/// been fsynced), foreign keys on, every write one `BEGIN IMMEDIATE` transaction, values only
/// ever bound as parameters. The actor runs on a thread of its own (`StoreThread`), never on
/// the Swift concurrency pool, so waiting for the disk blocks no other task.
public actor KioskStore {
    /// The thread every call of the store runs on.
    nonisolated let thread = StoreThread(name: "kiosk-store")

    /// The store's executor: its own thread. The flows and the print queue run on it too, so
    /// their store calls do not cross threads (docs/crossings.md).
    public nonisolated var unownedExecutor: UnownedSerialExecutor { thread.asUnownedSerialExecutor() }

    /// The database file.
    public nonisolated let path: String
    /// Set when the file found at open was corrupt and was moved aside for a new one.
    public nonisolated let recovery: StoreRecovery?
    /// This opening's name in print jobs' `session` column: a job left `sending` or `written`
    /// by another session was interrupted by a crash (docs/print-once.md).
    public nonisolated let printSession: String

    /// The connection; nil once closed.
    var database: Database?
    /// The clock for times the store stamps itself (print jobs' `createdAt`).
    let now: @Sendable () -> Timestamp
    /// When the next WAL checkpoint runs: never inside a write (``CheckpointSchedule``).
    var checkpoints: CheckpointSchedule
    /// Tests only: told before each write transaction begins and after it commits, inside
    /// the same job of the store's thread (nothing else runs on the connection in between).
    var transactionObserver: (@Sendable (_ operation: String, _ committed: Bool) -> Void)?

    /// Opens (creates) the database file; WAL, synchronous=FULL, foreign keys, busy timeout,
    /// integrity_check, migrations by user_version. A corrupt file is moved aside (with its
    /// `-wal` and `-shm`) as `<path>.corrupt-<UTC timestamp>`, reported in ``recovery``, and a
    /// new one started. `vfs` names a registered SQLite VFS: only tests pass one (the
    /// power-cut simulation of docs/durability.md); kioskd uses the default.
    public init(
        path: String,
        now: @escaping @Sendable () -> Timestamp = { Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970)) },
        vfs: String? = nil
    ) throws {
        try self.init(path: path, now: now, vfs: vfs, checkpoints: CheckpointSchedule())
    }

    /// Opens as ``init(path:now:vfs:)`` does, with the checkpoint timing given (tests).
    init(
        path: String, now: @escaping @Sendable () -> Timestamp, vfs: String?, checkpoints: CheckpointSchedule
    ) throws {
        let (db, recovery) = try StoreFile.open(path: path, vfs: vfs)
        self.path = path
        self.recovery = recovery
        self.printSession = UUID().uuidString.lowercased()
        self.database = db
        self.now = now
        self.checkpoints = checkpoints
    }

    /// Wraps a connection opened by a tool's own rules (``init(existing:)``).
    init(opened database: Database, path: String) {
        self.path = path
        self.recovery = nil
        self.printSession = UUID().uuidString.lowercased()
        self.database = database
        self.now = { Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970)) }
        self.checkpoints = CheckpointSchedule()
    }

    deinit { thread.finish() }

    /// Closes the connection; later calls throw a `StoreError` of kind `closed`.
    public func close() {
        checkpoints.task?.cancel()
        checkpoints.task = nil
        database?.close()
        database = nil
    }

    /// The open connection, or a `closed` error naming the operation.
    func openDatabase(_ operation: String) throws -> Database {
        guard let database else { throw StoreError(.closed, operation: operation, detail: "store \(path) is closed") }
        return database
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction; SQLite failures become ``StoreError``.
    /// The WAL is never checkpointed inside it (``noteCommit()``).
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        let db = try openDatabase(operation)
        transactionObserver?(operation, false)
        let result = try storeOperation(operation) { try db.transaction(.immediate) { try body(db) } }
        transactionObserver?(operation, true)
        noteCommit()
        return result
    }

    /// Runs reads in one deferred transaction, so they see one snapshot.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        let db = try openDatabase(operation)
        return try storeOperation(operation) { try db.transaction(.deferred) { try body(db) } }
    }

    /// Throws `invalidArgument` when a limit is negative.
    func checkLimit(_ limit: Int, _ operation: String) throws {
        guard limit >= 0 else {
            throw StoreError(.invalidArgument, operation: operation, detail: "limit \(limit) is negative")
        }
    }
}

/// Reading values back from rows.
extension Statement {
    /// A stored RFC 3339 time; a malformed one is a `malformedRow` error naming the column.
    func timestamp(at index: Int, _ what: @autoclosure () -> String) throws -> Timestamp {
        guard let text = string(at: index), let time = Timestamp(rfc3339: text) else {
            throw StoreError(
                .malformedRow, operation: "reading \(what())", detail: "bad time in column \(columnName(at: index))")
        }
        return time
    }

    /// A stored RFC 3339 time or NULL.
    func optionalTimestamp(at index: Int, _ what: @autoclosure () -> String) throws -> Timestamp? {
        isNull(at: index) ? nil : try timestamp(at: index, what())
    }
}

extension KioskStore {
    /// The first value of a query on the store's own connection (per-connection pragmas such
    /// as `synchronous` included). For tests and diagnostics; SQL from code only.
    func scalar(_ sql: String) throws -> SQLiteValue? {
        let db = try openDatabase("inspecting the store")
        return try storeOperation("inspecting the store") { try db.scalar(sql) }
    }
}
