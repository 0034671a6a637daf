/// A value SQLite stores: its five storage classes.
public enum SQLiteValue: Sendable, Equatable {
    /// `NULL`.
    case null
    /// `INTEGER`.
    case integer(Int64)
    /// `REAL`.
    case real(Double)
    /// `TEXT` (UTF-8).
    case text(String)
    /// `BLOB`.
    case blob([UInt8])
}

extension SQLiteValue: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByFloatLiteral,
    ExpressibleByNilLiteral
{
    /// `.integer(value)`.
    public init(integerLiteral value: Int64) { self = .integer(value) }
    /// `.text(value)`.
    public init(stringLiteral value: String) { self = .text(value) }
    /// `.real(value)`.
    public init(floatLiteral value: Double) { self = .real(value) }
    /// `.null`.
    public init(nilLiteral: ()) { self = .null }
}

extension SQLiteValue {
    /// `.integer`, or `.null` for nil.
    public init(_ value: Int64?) { self = value.map { .integer($0) } ?? .null }
    /// `.integer`, or `.null` for nil.
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    /// `.real`, or `.null` for nil.
    public init(_ value: Double?) { self = value.map { .real($0) } ?? .null }
    /// `.text`, or `.null` for nil.
    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    /// `.blob`, or `.null` for nil.
    public init(_ value: [UInt8]?) { self = value.map { .blob($0) } ?? .null }

    /// The integer, or nil for any other class.
    public var integer: Int64? { if case .integer(let v) = self { v } else { nil } }
    /// The text, or nil for any other class.
    public var text: String? { if case .text(let v) = self { v } else { nil } }
}
