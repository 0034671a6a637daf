/// What the report removes from every line.
enum Redaction {
    /// `https://user:secret@host/…` → `https://***@host/…`.
    static func withoutCredentials(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else {
            return text
        }
        let authority = text[scheme.upperBound..<at]
        guard !authority.contains("/") else { return text }
        return String(text[..<scheme.upperBound]) + "***" + String(text[at...])
    }

    /// Credentials in URLs removed, digit runs of 9 or more (ID numbers have 12) masked.
    static func scrub(_ line: String) -> String {
        var out = ""
        var digits = ""
        func flush() {
            out += digits.count >= 9 ? String(repeating: "#", count: digits.count) : digits
            digits = ""
        }
        for character in withoutCredentials(line) {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out
    }
}
