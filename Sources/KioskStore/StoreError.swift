import KioskSQLite

/// A failed store operation: what was being done, why, and the SQLite code and message
/// when SQLite failed. Never holds personal data (values are bound, never echoed).
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for matching: `error.kind == .unknownDossier`.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: Sendable, Hashable {
            case sqlite, unknownDossier, duplicateDossier, unknownEvent, unknownPrintJob, malformedRow, closed
            case invalidArgument, recoveryFailed
        }
        private let code: Code

        /// SQLite failed (disk full, I/O error, locked …); see ``StoreError/sqliteCode``.
        public static let sqlite = Kind(code: .sqlite)
        /// No dossier has the tracking code given.
        public static let unknownDossier = Kind(code: .unknownDossier)
        /// A dossier with that tracking code is already recorded.
        public static let duplicateDossier = Kind(code: .duplicateDossier)
        /// No event (or no event in the state required) has the id given.
        public static let unknownEvent = Kind(code: .unknownEvent)
        /// No print job has the id given.
        public static let unknownPrintJob = Kind(code: .unknownPrintJob)
        /// A row holds a value the store cannot read back (e.g. a bad timestamp).
        public static let malformedRow = Kind(code: .malformedRow)
        /// The store was closed.
        public static let closed = Kind(code: .closed)
        /// An argument is out of range (a negative limit, an empty type).
        public static let invalidArgument = Kind(code: .invalidArgument)
        /// A corrupt database could not be moved aside.
        public static let recoveryFailed = Kind(code: .recoveryFailed)

        /// A short name: `unknown dossier`.
        public var description: String {
            switch code {
            case .sqlite: "SQLite failure"
            case .unknownDossier: "unknown dossier"
            case .duplicateDossier: "duplicate dossier"
            case .unknownEvent: "unknown event"
            case .unknownPrintJob: "unknown print job"
            case .malformedRow: "malformed row"
            case .closed: "store closed"
            case .invalidArgument: "invalid argument"
            case .recoveryFailed: "recovery failed"
            }
        }
    }

    /// What went wrong.
    public var kind: Kind
    /// What the store was doing, e.g. `recording intake`.
    public var operation: String
    /// Detail a technician can act on, e.g. `no dossier with code YBVY01-261121-0007-K`.
    public var detail: String?
    /// The SQLite result code, when SQLite failed.
    public var sqliteCode: ResultCode?
    /// SQLite's message, when SQLite failed.
    public var sqliteMessage: String?

    /// Creates an error.
    public init(
        _ kind: Kind, operation: String, detail: String? = nil, sqliteCode: ResultCode? = nil,
        sqliteMessage: String? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.detail = detail
        self.sqliteCode = sqliteCode
        self.sqliteMessage = sqliteMessage
    }

    /// Wraps an SQLite failure.
    init(_ error: SQLiteError, operation: String) {
        self.init(.sqlite, operation: operation, sqliteCode: error.code, sqliteMessage: error.message)
    }

    /// `store: recording intake: unknown dossier: no dossier with code …` or
    /// `store: appending event: SQLite error 13 (database or disk is full): database or disk is full`.
    public var description: String {
        var text = "store: \(operation): "
        if let sqliteCode {
            text += "SQLite error \(sqliteCode.rawValue) (\(sqliteCode))"
            if let sqliteMessage { text += ": \(sqliteMessage)" }
            if let detail { text += " (\(detail))" }
        } else {
            text += kind.description
            if let detail { text += ": \(detail)" }
        }
        return text
    }
}

/// Runs `body`, turning SQLite failures into a ``StoreError`` naming `operation`.
///
/// Other errors (thrown by a caller's closure, such as the intake builder) pass unchanged,
/// so the caller can match its own error.
func storeOperation<T>(_ operation: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as SQLiteError {
        throw StoreError(error, operation: operation)
    }
}
