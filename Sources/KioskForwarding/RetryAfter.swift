import KioskProtocol

/// The `Retry-After` header of a 429 or 503 answer (RFC 9110 §10.2.3): either a number of
/// seconds or an HTTP-date.
public enum RetryAfter {
    /// How long to wait, in seconds (never negative), or nil when the value is neither
    /// delta-seconds nor an HTTP-date. `now` is the kiosk's wall clock in Unix seconds.
    public static func delay(_ value: String, now: Int64) -> Double? {
        let text = value.trimmingWhitespace
        if !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) {
            // Delta-seconds; an absurd number of digits just means "a very long time".
            return Double(text.utf8.count > 12 ? 999_999_999_999 : Int64(text)!)
        }
        guard let date = HTTPDate.unixSeconds(text) else { return nil }
        return Double(max(0, date - now))
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (no Foundation needed).
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
