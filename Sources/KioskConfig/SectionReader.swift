/// Reads the keys of one section against its schema, collecting diagnostics.
///
/// Created with the section's known keys, it reports every unknown key at once (with a
/// suggestion when a known key is within edit distance 2); then each `value`/`required`
/// call reads one key, reporting a bad value with the file, line and key.
struct SectionReader {
    /// File name for diagnostics.
    let file: String
    /// Section name as in the header (`Printer`).
    let title: String
    /// The section, nil when the file has none.
    let section: INISection?
    /// Where a missing key is reported: the header line, or the end of the file when the
    /// section itself is missing.
    let missingLine: Int
    /// Problems found so far.
    private(set) var diagnostics: [ConfigDiagnostic] = []

    init(document: INIDocument, section: INISection?, title: String, knownKeys: [String]) {
        self.file = document.file
        self.title = title
        self.section = section
        self.missingLine = section?.line ?? document.lineCount
        for entry in section?.entries ?? [] where !knownKeys.contains(entry.key) {
            var message = "unknown key"
            if let near = Suggestion.nearest(to: entry.key, among: knownKeys) {
                message += "; did you mean \(near)?"
            } else {
                message += "; [\(title)] takes " + knownKeys.joined(separator: ", ")
            }
            report(entry, message)
        }
    }

    /// The entry for `key`, if written.
    func entry(_ key: String) -> INIEntry? { section?.entry(key) }

    /// Adds a diagnostic about `entry`.
    mutating func report(_ entry: INIEntry, _ message: String) {
        diagnostics.append(
            ConfigDiagnostic(
                file: file, line: entry.line, section: title, key: entry.key, value: entry.value, message: message))
    }

    /// Adds a diagnostic about the section as a whole, or a missing key in it.
    mutating func reportMissing(_ key: String?, _ message: String) {
        diagnostics.append(ConfigDiagnostic(file: file, line: missingLine, section: title, key: key, message: message))
    }

    /// The value of `key` parsed by `parse`, `defaultValue` when the key is absent or its value bad.
    mutating func value<T>(_ key: String, default defaultValue: T, _ parse: (String) -> Result<T, ValueProblem>) -> T {
        guard let entry = entry(key) else { return defaultValue }
        switch parse(entry.value) {
        case .success(let value): return value
        case .failure(let problem):
            report(entry, problem.message)
            return defaultValue
        }
    }

    /// The value of `key`, nil (and no diagnostic) when the key is absent or written empty.
    mutating func optional<T>(_ key: String, _ parse: (String) -> Result<T, ValueProblem>) -> T? {
        guard let entry = entry(key), !entry.value.isEmpty else { return nil }
        switch parse(entry.value) {
        case .success(let value): return value
        case .failure(let problem):
            report(entry, problem.message)
            return nil
        }
    }

    /// The value of a required `key`; nil with a diagnostic when it is absent, empty or bad.
    /// `hint` says what to write, e.g. `Id=YB-VANYEN-01`.
    mutating func required<T>(_ key: String, hint: String, _ parse: (String) -> Result<T, ValueProblem>) -> T? {
        guard let entry = entry(key) else {
            if section == nil {
                reportMissing(key, "required, and there is no [\(title)] section; add [\(title)] with \(hint)")
            } else {
                reportMissing(key, "required key is missing; add \(hint)")
            }
            return nil
        }
        guard !entry.value.isEmpty else {
            report(entry, "required, but empty; write \(hint)")
            return nil
        }
        switch parse(entry.value) {
        case .success(let value): return value
        case .failure(let problem):
            report(entry, problem.message)
            return nil
        }
    }
}

/// Reports sections of a document that no schema knows, with a suggestion when one is near.
func unknownSectionDiagnostics(
    in document: INIDocument, known: [String], example: (String) -> String = { "[\($0)]" }
) -> [ConfigDiagnostic] {
    document.sections.compactMap { section in
        if known.contains(section.name) { return nil }
        var message = "unknown section"
        if let near = Suggestion.nearest(to: section.name, among: known) {
            message += "; did you mean \(example(near))?"
        } else {
            message += "; the sections are " + known.map { "[\($0)]" }.joined(separator: ", ")
        }
        return ConfigDiagnostic(file: document.file, line: section.line, section: section.title, message: message)
    }
}
