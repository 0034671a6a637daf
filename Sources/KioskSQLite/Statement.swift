import CSQLite

/// What one `step()` of a statement produced.
public enum StepResult: Sendable, Equatable {
    /// A row is available through the column getters.
    case row
    /// The statement has run to completion.
    case done
}

/// `SQLITE_TRANSIENT`: SQLite copies bound text and blobs before the bind call returns.
/// The C macro is a cast Swift cannot import.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement; finalized when the last reference goes away.
///
/// Not `Sendable`: it belongs to its ``Database``'s owner. Values are bound by index, never
/// spliced into SQL text. Bind indexes start at 1 (as in `sqlite3_bind_*`); column indexes
/// start at 0 (as in `sqlite3_column_*`).
public final class Statement {
    /// The SQL text the statement was prepared from.
    public let sql: String
    /// The `sqlite3_stmt *`.
    let handle: OpaquePointer
    /// The owning connection's `sqlite3 *`, for error messages.
    let connection: OpaquePointer

    /// Prepares one SQL statement on a connection.
    ///
    /// The corresponding C function is `sqlite3_prepare_v2`.
    init(connection: OpaquePointer, sql: String) throws(SQLiteError) {
        var statement: OpaquePointer?
        // `tail` points into the C string, so it is read while that string still exists:
        // a String passed straight to the call is a temporary copy, gone when the call returns.
        let (code, hasMoreStatements) = sql.withCString { text -> (Int32, Bool) in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(connection, text, -1, &statement, &tail)
            guard code == SQLITE_OK, let tail, tail.pointee != 0 else { return (code, false) }
            return (code, String(cString: tail).contains(where: { !$0.isWhitespace && $0 != ";" }))
        }
        guard code == SQLITE_OK else {
            sqlite3_finalize(statement)
            throw SQLiteError(code: code, connection: connection, context: sql)
        }
        guard let statement else {
            throw SQLiteError(code: .misuse, message: "no SQL statement in the text", context: sql)
        }
        if hasMoreStatements {
            sqlite3_finalize(statement)
            throw SQLiteError(
                code: .misuse, message: "more than one SQL statement; use Database.execute for scripts", context: sql)
        }
        self.sql = sql
        self.handle = statement
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    private func check(_ code: Int32, _ what: @autoclosure () -> String) throws(SQLiteError) {
        guard code == SQLITE_OK else { throw SQLiteError(code: code, connection: connection, context: what()) }
    }

    // MARK: Binding

    /// Binds an integer to the parameter at `index` (1-based).
    ///
    /// The corresponding C function is `sqlite3_bind_int64`.
    public func bind(_ value: Int64, at index: Int) throws(SQLiteError) {
        try check(sqlite3_bind_int64(handle, Int32(index), value), "bind parameter \(index) of: \(sql)")
    }

    /// Binds an integer to the parameter at `index` (1-based).
    public func bind(_ value: Int, at index: Int) throws(SQLiteError) { try bind(Int64(value), at: index) }

    /// Binds a floating-point number to the parameter at `index` (1-based).
    ///
    /// The corresponding C function is `sqlite3_bind_double`.
    public func bind(_ value: Double, at index: Int) throws(SQLiteError) {
        try check(sqlite3_bind_double(handle, Int32(index), value), "bind parameter \(index) of: \(sql)")
    }

    /// Binds UTF-8 text to the parameter at `index` (1-based); SQLite copies it.
    ///
    /// The corresponding C function is `sqlite3_bind_text`.
    public func bind(_ value: String, at index: Int) throws(SQLiteError) {
        var text = value
        let code = text.withUTF8 { buffer -> Int32 in
            // A nil base address would bind NULL; an empty string must stay an empty text.
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                return sqlite3_bind_text(handle, Int32(index), "", 0, transient)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                sqlite3_bind_text(handle, Int32(index), $0, Int32(buffer.count), transient)
            }
        }
        try check(code, "bind parameter \(index) of: \(sql)")
    }

    /// Binds bytes to the parameter at `index` (1-based); SQLite copies them. An empty array
    /// binds an empty blob, not NULL.
    ///
    /// The corresponding C function is `sqlite3_bind_blob`.
    public func bind(_ value: [UInt8], at index: Int) throws(SQLiteError) {
        let code = value.withUnsafeBytes { buffer -> Int32 in
            guard let base = buffer.baseAddress, buffer.count > 0 else {
                return sqlite3_bind_zeroblob(handle, Int32(index), 0)
            }
            return sqlite3_bind_blob(handle, Int32(index), base, Int32(buffer.count), transient)
        }
        try check(code, "bind parameter \(index) of: \(sql)")
    }

    /// Binds NULL to the parameter at `index` (1-based).
    ///
    /// The corresponding C function is `sqlite3_bind_null`.
    public func bindNull(at index: Int) throws(SQLiteError) {
        try check(sqlite3_bind_null(handle, Int32(index)), "bind parameter \(index) of: \(sql)")
    }

    /// Binds a value of any storage class to the parameter at `index` (1-based).
    public func bind(_ value: SQLiteValue, at index: Int) throws(SQLiteError) {
        switch value {
        case .null: try bindNull(at: index)
        case .integer(let v): try bind(v, at: index)
        case .real(let v): try bind(v, at: index)
        case .text(let v): try bind(v, at: index)
        case .blob(let v): try bind(v, at: index)
        }
    }

    /// Binds an integer, or NULL for nil.
    public func bind(_ value: Int64?, at index: Int) throws(SQLiteError) {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    /// Binds an integer, or NULL for nil.
    public func bind(_ value: Int?, at index: Int) throws(SQLiteError) {
        if let value { try bind(Int64(value), at: index) } else { try bindNull(at: index) }
    }

    /// Binds a number, or NULL for nil.
    public func bind(_ value: Double?, at index: Int) throws(SQLiteError) {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    /// Binds text, or NULL for nil.
    public func bind(_ value: String?, at index: Int) throws(SQLiteError) {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    /// Binds bytes, or NULL for nil.
    public func bind(_ value: [UInt8]?, at index: Int) throws(SQLiteError) {
        if let value { try bind(value, at: index) } else { try bindNull(at: index) }
    }

    /// Resets the statement, clears its bindings and binds `values` to parameters 1, 2, 3 …
    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        reset()
        clearBindings()
        for (offset, value) in values.enumerated() { try bind(value, at: offset + 1) }
    }

    /// Sets every parameter back to NULL.
    ///
    /// The corresponding C function is `sqlite3_clear_bindings`.
    public func clearBindings() { sqlite3_clear_bindings(handle) }

    /// Number of parameters in the SQL.
    public var parameterCount: Int { Int(sqlite3_bind_parameter_count(handle)) }

    // MARK: Running

    /// Runs the statement to its next row or to completion.
    ///
    /// On failure the statement is reset (releasing its locks) and the error thrown carries
    /// the code, SQLite's message and the SQL. The corresponding C function is `sqlite3_step`.
    @discardableResult
    public func step() throws(SQLiteError) -> StepResult {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return .row
        case SQLITE_DONE: return .done
        default:
            let error = SQLiteError(code: code, connection: connection, context: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Makes the statement ready to run again; bindings are kept.
    ///
    /// The corresponding C function is `sqlite3_reset`. Its return value repeats the last
    /// step's error, which ``step()`` already threw, so it is not checked here.
    public func reset() { sqlite3_reset(handle) }

    /// Resets, binds `values` (1, 2, 3 …), steps to completion and resets again.
    public func execute(_ values: [SQLiteValue] = []) throws(SQLiteError) {
        try bind(values)
        defer { reset() }
        while try step() == .row {}
    }

    /// Resets, binds `values`, and calls `body` for each row; resets again at the end, so a
    /// read never keeps its snapshot open.
    public func forEachRow(_ values: [SQLiteValue] = [], _ body: (Statement) throws -> Void) throws {
        try bind(values)
        defer { reset() }
        while try step() == .row { try body(self) }
    }

    // MARK: Columns

    /// Number of columns in a result row.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    /// Name of the column at `index` (0-based).
    public func columnName(at index: Int) -> String {
        sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? ""
    }

    /// Whether the column at `index` (0-based) of the current row is NULL.
    public func isNull(at index: Int) -> Bool { sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL }

    /// The column at `index` (0-based) as an integer (0 for NULL).
    ///
    /// The corresponding C function is `sqlite3_column_int64`.
    public func int64(at index: Int) -> Int64 { sqlite3_column_int64(handle, Int32(index)) }

    /// The column at `index` (0-based) as an `Int` (0 for NULL).
    public func int(at index: Int) -> Int { Int(sqlite3_column_int64(handle, Int32(index))) }

    /// The column at `index` (0-based) as a number (0 for NULL).
    ///
    /// The corresponding C function is `sqlite3_column_double`.
    public func double(at index: Int) -> Double { sqlite3_column_double(handle, Int32(index)) }

    /// The column at `index` (0-based) as UTF-8 text, nil for NULL.
    ///
    /// The corresponding C function is `sqlite3_column_text`.
    public func string(at index: Int) -> String? {
        guard let text = sqlite3_column_text(handle, Int32(index)) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column at `index` (0-based) as bytes, nil for NULL (an empty blob is `[]`).
    ///
    /// The corresponding C function is `sqlite3_column_blob`.
    public func blob(at index: Int) -> [UInt8]? {
        if isNull(at: index) { return nil }
        guard let bytes = sqlite3_column_blob(handle, Int32(index)) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The column at `index` (0-based) in its own storage class.
    public func value(at index: Int) -> SQLiteValue {
        switch sqlite3_column_type(handle, Int32(index)) {
        case SQLITE_INTEGER: .integer(int64(at: index))
        case SQLITE_FLOAT: .real(double(at: index))
        case SQLITE_TEXT: .text(string(at: index) ?? "")
        case SQLITE_BLOB: .blob(blob(at: index) ?? [])
        default: .null
        }
    }
}
