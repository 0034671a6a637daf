/// A `Key=Value` line of an INI file.
struct INIEntry: Sendable, Equatable {
    /// The key, trimmed.
    var key: String
    /// The value, trimmed, its inline comment removed.
    var value: String
    /// 1-based line number.
    var line: Int
}

/// A `[Name]` or `[Name Argument]` section and its entries in file order.
struct INISection: Sendable, Equatable {
    /// First word of the header, e.g. `Printer` or `Procedure`.
    var name: String
    /// The rest of the header, e.g. `1.001234`; nil when the header is one word.
    var argument: String?
    /// Line of the header.
    var line: Int
    /// Entries, each key at most once (repeats are diagnosed and dropped).
    var entries: [INIEntry]

    /// `Name` or `Name Argument`, as diagnostics print it between brackets.
    var title: String { argument.map { "\(name) \($0)" } ?? name }

    /// The entry for `key`, if present.
    func entry(_ key: String) -> INIEntry? { entries.first { $0.key == key } }

    /// Every entry for a repeatable `key`, in file order.
    func entries(_ key: String) -> [INIEntry] { entries.filter { $0.key == key } }
}

/// A file in the syntax of systemd unit files, cut into sections.
///
/// Syntax: `[Section]` or `[Section Argument]` headers; `Key=Value` with whitespace around key
/// and value trimmed; whole-line comments starting with `#` or `;`; blank lines; UTF-8 with an
/// optional byte-order mark; LF or CRLF line endings. One addition to systemd's syntax: a `#`
/// preceded by a space or tab starts a comment at the end of a value or header
/// (`Baud=115200   # fast`), as the SPEC's examples write them; a `#` with no space before it
/// is part of the value (`URL=https://host/#x` keeps its `#`).
///
/// Problems are collected, never thrown: a repeated key or section is a diagnostic naming
/// the first one's line, and the repeat is dropped so later checks do not report it twice.
struct INIDocument: Sendable {
    /// The file name diagnostics print.
    var file: String
    /// Sections in file order, each title at most once.
    var sections: [INISection]
    /// Number of lines in the file: the "end of file" line for what is missing.
    var lineCount: Int
    /// Problems of syntax, encoding and repetition.
    var diagnostics: [ConfigDiagnostic]

    /// The section called `name` (with no argument), if present.
    func section(_ name: String) -> INISection? {
        sections.first { $0.name == name && $0.argument == nil }
    }

    /// Parses decoded source text. Keys in `repeatableKeys` may be written more than once in a
    /// section (each is kept, in file order: the catalog's `Documents=` lines).
    init(source: SourceText, file: String, repeatableKeys: Set<String> = []) {
        self.file = file
        self.lineCount = source.lineCount
        var diagnostics = source.diagnostics
        var sections: [INISection] = []
        // Index in `sections` of the section entries go to; nil before the first header or
        // inside a repeated section (its entries are checked for syntax but dropped).
        var current: Int?
        var insideDroppedSection = false
        // First lines by section title and by key of the current section: repeats are found
        // in constant time, so a huge generated file cannot make the parser quadratic.
        var sectionLines: [String: Int] = [:]
        var keyLines: [String: Int] = [:]
        for line in source.lines {
            let text = Self.trimmed(Substring(line.text))
            if text.isEmpty || text.hasPrefix("#") || text.hasPrefix(";") { continue }
            func report(_ message: String, section: String? = nil, key: String? = nil, value: String? = nil) {
                diagnostics.append(
                    ConfigDiagnostic(
                        file: file, line: line.number, section: section, key: key, value: value, message: message))
            }
            if text.hasPrefix("[") {
                current = nil
                insideDroppedSection = true
                switch Self.header(text) {
                case .failure(let problem): report(problem.message)
                case .success(let (name, argument)):
                    let section = INISection(name: name, argument: argument, line: line.number, entries: [])
                    if let first = sectionLines[section.title] {
                        report(
                            "section repeated; the first [\(section.title)] is at line \(first): "
                                + "merge them into one", section: section.title)
                    } else {
                        sectionLines[section.title] = line.number
                        keyLines = [:]
                        sections.append(section)
                        current = sections.count - 1
                        insideDroppedSection = false
                    }
                }
                continue
            }
            guard let equals = text.firstIndex(of: "=") else {
                report("expected Key=Value, a [Section] header or a # comment")
                continue
            }
            let key = String(Self.trimmed(text[..<equals]))
            let value = String(Self.trimmed(Self.withoutInlineComment(text[text.index(after: equals)...])))
            let sectionTitle = current.map { sections[$0].title }
            guard Self.isKey(key) else {
                report(
                    key.isEmpty ? "no key before =" : "\"\(key)\" is not a key; keys are letters and digits",
                    section: sectionTitle)
                continue
            }
            guard let index = current else {
                if !insideDroppedSection { report("Key=Value before any [Section] header", key: key, value: value) }
                continue
            }
            if let first = keyLines[key], !repeatableKeys.contains(key) {
                report(
                    "repeated; the first \(key)= is at line \(first): keep one",
                    section: sectionTitle, key: key, value: value)
                continue
            }
            keyLines[key] = line.number
            sections[index].entries.append(INIEntry(key: key, value: value, line: line.number))
        }
        self.sections = sections
        self.diagnostics = diagnostics
    }

    /// Parses `[Name]` / `[Name Argument]` with an optional ` # comment` after it.
    private static func header(_ text: Substring) -> Result<(String, String?), ValueProblem> {
        guard let close = text.firstIndex(of: "]") else {
            return .failure(ValueProblem("section header has no closing ]; write [Name]"))
        }
        let rest = trimmed(text[text.index(after: close)...])
        if !rest.isEmpty && !rest.hasPrefix("#") && !rest.hasPrefix(";") {
            return .failure(ValueProblem("text after the section header; put it on a line of its own"))
        }
        let inner = trimmed(text[text.index(after: text.startIndex)..<close])
        guard !inner.isEmpty else { return .failure(ValueProblem("empty section header; write [Name]")) }
        let nameEnd = inner.firstIndex(where: { $0 == " " || $0 == "\t" }) ?? inner.endIndex
        let name = String(inner[..<nameEnd])
        guard isKey(name) else {
            return .failure(ValueProblem("\"[\(inner)]\": a section name is letters and digits, e.g. [Printer]"))
        }
        let argument = trimmed(inner[nameEnd...])
        return .success((name, argument.isEmpty ? nil : String(argument)))
    }

    /// Keys and section names: ASCII letters and digits, starting with a letter.
    static func isKey(_ text: String) -> Bool {
        guard let first = text.utf8.first, (first | 0x20) >= 0x61, (first | 0x20) <= 0x7A else { return false }
        return text.utf8.allSatisfy { (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    /// Cuts the value at the first `#` that follows a space or tab.
    private static func withoutInlineComment(_ value: Substring) -> Substring {
        var previous: Character = "="
        for index in value.indices {
            let character = value[index]
            if character == "#" && (previous == " " || previous == "\t") { return value[..<index] }
            previous = character
        }
        return value
    }

    static func trimmed(_ text: Substring) -> Substring {
        var slice = text
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return slice
    }
}
