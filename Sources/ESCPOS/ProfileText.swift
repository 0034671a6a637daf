/// The INI syntax of printer profiles (`[Section]`, `Key=Value`, `#` comments), as in systemd units.
///
/// Kept inside ESCPOS on purpose: the profile format is tiny and this module must not depend on
/// the configuration module.
struct ProfileText {
    /// One `Key=Value` line with where it came from.
    struct Entry {
        var section: String
        var key: String
        var value: String
        var line: Int
    }

    var entries: [Entry] = []

    /// Parses `text`; `source` names the file in errors.
    init(_ text: String, source: String) throws(PrinterProfileError) {
        var section: String?
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.count > 2 else {
                    throw PrinterProfileError(source: source, line: lineNumber, key: nil, reason: "bad section header")
                }
                section = String(line.dropFirst().dropLast()).trimmingSpaces()
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw PrinterProfileError(source: source, line: lineNumber, key: nil, reason: "expected Key=Value")
            }
            let key = String(line[..<equals]).trimmingSpaces()
            var value = String(line[line.index(after: equals)...])
            // A `#` after whitespace starts a trailing comment, as in the shipped profiles.
            if let hash = value.firstRange(of: " #") { value = String(value[..<hash.lowerBound]) }
            guard let section else {
                throw PrinterProfileError(source: source, line: lineNumber, key: key, reason: "key outside a section")
            }
            entries.append(Entry(section: section, key: key, value: value.trimmingSpaces(), line: lineNumber))
        }
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
