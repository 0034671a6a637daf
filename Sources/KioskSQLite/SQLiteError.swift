import CSQLite

/// A failed SQLite call: the result code, SQLite's message, and what was being done.
///
/// `context` is the SQL text (values are always bound parameters, so it holds no data) or
/// a short description such as `open /var/lib/kiosk/kiosk.db`.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The (extended) result code.
    public var code: ResultCode
    /// `sqlite3_errmsg` at the time of the failure, e.g. "UNIQUE constraint failed: outbox.id".
    public var message: String
    /// The SQL being run, or what was being done.
    public var context: String

    /// Creates an error.
    public init(code: ResultCode, message: String, context: String) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// Reads code and message from a connection after a call failed with `code`.
    init(code: Int32, connection: OpaquePointer?, context: String) {
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        self.init(
            code: ResultCode(rawValue: code),
            message: message ?? String(cString: sqlite3_errstr(code)),
            context: context)
    }

    /// `SQLite error 2067 (constraint failed): UNIQUE constraint failed: t.x; while: INSERT INTO t …`.
    public var description: String {
        "SQLite error \(code.rawValue) (\(code)): \(message); while: \(context)"
    }
}
