import CSQLite

/// How ``Database`` opens its file: the `SQLITE_OPEN_*` flags.
public struct OpenFlags: OptionSet, Sendable {
    /// The C flags.
    public var rawValue: Int32
    /// Wraps C flags.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `SQLITE_OPEN_READONLY`.
    public static let readOnly = OpenFlags(rawValue: SQLITE_OPEN_READONLY)
    /// `SQLITE_OPEN_READWRITE`.
    public static let readWrite = OpenFlags(rawValue: SQLITE_OPEN_READWRITE)
    /// `SQLITE_OPEN_CREATE`: create the file when missing.
    public static let create = OpenFlags(rawValue: SQLITE_OPEN_CREATE)
    /// `SQLITE_OPEN_URI`: the path may be a `file:` URI.
    public static let uri = OpenFlags(rawValue: SQLITE_OPEN_URI)
    /// `SQLITE_OPEN_NOMUTEX`: no connection mutex; the single owner serializes access.
    public static let noMutex = OpenFlags(rawValue: SQLITE_OPEN_NOMUTEX)
    /// `SQLITE_OPEN_FULLMUTEX`.
    public static let fullMutex = OpenFlags(rawValue: SQLITE_OPEN_FULLMUTEX)

    /// Read-write, created when missing, no connection mutex (``Database`` has one owner).
    public static let `default`: OpenFlags = [.readWrite, .create, .noMutex]
}
