import KioskSQLite

/// The database's schema is not the one this program was built for; nothing was changed.
public struct StoreSchemaMismatch: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// Its `PRAGMA user_version`.
    public var found: Int
    /// The version this program reads and writes.
    public var known: Int

    /// Creates the error.
    public init(path: String, found: Int, known: Int) {
        self.path = path
        self.found = found
        self.known = known
    }

    /// What was found and what to do.
    public var description: String {
        if found > known {
            return "\(path) has schema version \(found), newer than this program's (\(known)): a newer kioskd "
                + "wrote it; use the kioskctl installed with that kioskd. Nothing was changed."
        }
        return "\(path) has schema version \(found), older than this program's (\(known)): start kioskd once "
            + "(it migrates the database), or use the kioskctl of the installed kioskd. Nothing was changed."
    }
}

extension KioskStore {
    /// The schema version (`PRAGMA user_version`) this build reads and writes.
    public static var schemaVersion: Int { Schema.currentVersion }

    /// Opens a database the service created, for a tool, read-only (`SQLITE_OPEN_READONLY`):
    /// never creates the file, never runs the integrity check that moves a corrupt file aside,
    /// never migrates, never writes; the file's bytes stay as they are. Every change goes
    /// through the running service, the database's one writer. Throws ``StoreSchemaMismatch``
    /// when the schema is older or newer than this build's, and ``StoreError`` when SQLite
    /// cannot open or read it.
    public init(existing path: String) throws {
        let operation = "opening \(path) read-only"
        if let problem = StoreFile.headerProblem(path: path) {
            throw StoreError(.sqlite, operation: operation, detail: problem)
        }
        let db = try storeOperation(operation) { () throws -> Database in
            let db = try Database(path: path, flags: [.readOnly, .noMutex])
            try db.setBusyTimeout(milliseconds: StoreFile.busyTimeoutMilliseconds)
            return db
        }
        let version = try storeOperation(operation) { try db.userVersion() }
        guard version == Schema.currentVersion else {
            db.close()
            throw StoreSchemaMismatch(path: path, found: version, known: Schema.currentVersion)
        }
        self.init(opened: db, path: path)
    }
}
