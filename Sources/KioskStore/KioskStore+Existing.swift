import KioskSQLite

/// How a tool opens the service's database directly (while the service is stopped).
public enum ExistingStoreAccess: Sendable, Equatable {
    /// `SQLITE_OPEN_READONLY`: nothing is written, created, migrated or moved.
    case readOnly
    /// Read-write for a short change (a requeue), still never created, migrated or moved.
    case readWrite
}

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

    /// Opens a database the service created, for a tool: never creates the file, never runs
    /// the integrity check that moves a corrupt file aside, never migrates. Throws
    /// ``StoreSchemaMismatch`` when the schema is older or newer than this build's, and
    /// ``StoreError`` when SQLite cannot open or read it.
    ///
    /// `.readOnly` opens with `SQLITE_OPEN_READONLY`: the file's bytes stay as they are.
    public init(existing path: String, access: ExistingStoreAccess) throws {
        let operation = "opening \(path) \(access == .readOnly ? "read-only" : "for a change")"
        if let problem = StoreFile.headerProblem(path: path) {
            throw StoreError(.sqlite, operation: operation, detail: problem)
        }
        let db = try storeOperation(operation) { () throws -> Database in
            let db = try Database(
                path: path, flags: access == .readOnly ? [.readOnly, .noMutex] : [.readWrite, .noMutex])
            try db.setBusyTimeout(milliseconds: StoreFile.busyTimeoutMilliseconds)
            if access == .readWrite {
                try db.setPragma("synchronous", "FULL")
                try db.setPragma("foreign_keys", "ON")
                try db.setPragma("secure_delete", "ON")
            }
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
