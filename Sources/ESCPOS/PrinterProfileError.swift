/// A printer profile that cannot be used, with the file, line and key to fix.
public struct PrinterProfileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The profile file (or name) the error is in.
    public var source: String
    /// 1-based line number, or 0 when the error is about the whole file.
    public var line: Int
    /// The key at fault, if any.
    public var key: String?
    /// What is wrong, in words a technician can act on.
    public var reason: String

    /// Creates an error.
    public init(source: String, line: Int, key: String?, reason: String) {
        self.source = source
        self.line = line
        self.key = key
        self.reason = reason
    }

    /// `file:line: Key: reason`.
    public var description: String {
        var s = source
        if line > 0 { s += ":\(line)" }
        if let key { s += ": \(key)" }
        return s + ": " + reason
    }
}
