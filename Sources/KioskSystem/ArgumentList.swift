/// A command line taken apart the way the kiosk's tools read it: `--flag`, `--option VALUE`
/// (or `--option=VALUE`), and positional words, with errors that say what was wrong.
public struct ArgumentList: Sendable {
    /// What is left to read, in order.
    public private(set) var remaining: [String]

    /// Wraps the words after the program name.
    public init(_ words: [String]) { remaining = words }

    /// A usage mistake: exit code 2 with this text.
    public struct UsageError: Error, Sendable, CustomStringConvertible {
        /// What was wrong, e.g. `--config needs a value`.
        public var description: String
        /// Creates an error.
        public init(_ description: String) { self.description = description }
    }

    /// Removes `name` wherever it is and says whether it was there.
    public mutating func flag(_ name: String) -> Bool {
        guard let i = remaining.firstIndex(of: name) else { return false }
        remaining.remove(at: i)
        return true
    }

    /// Removes `name VALUE` or `name=VALUE` and returns the value (the last one if repeated).
    public mutating func option(_ name: String) throws(UsageError) -> String? {
        try options(name).last
    }

    /// Removes every `name VALUE` / `name=VALUE` and returns the values in order.
    public mutating func options(_ name: String) throws(UsageError) -> [String] {
        var values: [String] = []
        var i = 0
        while i < remaining.count {
            let word = remaining[i]
            if word == name {
                guard i + 1 < remaining.count else { throw UsageError("\(name) needs a value") }
                values.append(remaining[i + 1])
                remaining.removeSubrange(i...i + 1)
            } else if word.hasPrefix(name + "=") {
                values.append(String(word.dropFirst(name.count + 1)))
                remaining.remove(at: i)
            } else {
                i += 1
            }
        }
        return values
    }

    /// Removes and returns the next positional word, or nil.
    public mutating func next() -> String? {
        guard let i = remaining.firstIndex(where: { !$0.hasPrefix("--") || $0 == "--" }) else { return nil }
        return remaining.remove(at: i)
    }

    /// Throws when words are left that nobody read.
    public func expectEnd() throws(UsageError) {
        if let word = remaining.first {
            throw UsageError(word.hasPrefix("-") ? "unknown option \(word)" : "unexpected argument \(word)")
        }
    }
}
