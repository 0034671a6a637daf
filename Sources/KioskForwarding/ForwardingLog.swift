/// Where forwarding writes its log lines: the service plugs in its logger.
///
/// One call is one line: a short event name and `key=value` fields. Fields never carry
/// personal data — only ids, counts, status codes, seq numbers and error texts.
public struct ForwardingLog: Sendable {
    /// How important a line is, mapped by the service to journald's `<N>` prefixes.
    public enum Level: Int, Sendable, Comparable {
        /// `<3>`: something a technician must fix (dead letter, authentication refused).
        case error = 3
        /// `<4>`: trouble that forwarding works around (backoff, 413).
        case warning = 4
        /// `<6>`: normal progress worth keeping (a batch delivered, a poll stored).
        case info = 6
        /// `<7>`: detail for debugging.
        case debug = 7

        /// Orders by importance, most important first.
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    private let sink: @Sendable (Level, String, KeyValuePairs<String, String>) -> Void

    /// Creates a log writing to `sink(level, event, fields)`.
    public init(_ sink: @escaping @Sendable (Level, String, KeyValuePairs<String, String>) -> Void) {
        self.sink = sink
    }

    /// A log that drops everything.
    public static let discarding = ForwardingLog { _, _, _ in }

    /// Writes one line.
    public func callAsFunction(_ level: Level, _ event: String, _ fields: KeyValuePairs<String, String> = [:]) {
        sink(level, event, fields)
    }

    /// Formats a line the way the service writes it: `event key=value key="a b"`.
    public static func line(_ event: String, _ fields: KeyValuePairs<String, String>) -> String {
        var text = event
        for (key, value) in fields {
            let needsQuotes = value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
            let escaped = value.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll(
                "\n", with: " ")
            text += " \(key)=" + (needsQuotes ? "\"\(escaped)\"" : escaped)
        }
        return text
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
