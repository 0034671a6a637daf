/// One problem found in a configuration file, with where it is and what would be valid.
///
/// Printed as `FILE:LINE: [Section] Key=Value: message`, for example
/// `/etc/kiosk/kiosk.conf:14: [Printer] Baud=12345: not a supported baud rate; use one of 9600, …`.
/// Encodes to JSON as `{"file","line","section","key","value","message","text"}` (absent parts
/// left out) for `kioskctl config check --json`.
public struct ConfigDiagnostic: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file the problem is in, as it was named to the loader.
    public var file: String
    /// 1-based line number; 0 when the problem is about the whole file (it cannot be read).
    public var line: Int
    /// Section title without brackets (`Printer`, `Procedure 1.001234`), when the problem is in one.
    public var section: String?
    /// The key, when the problem is about one.
    public var key: String?
    /// The value as written, when the problem is about a key's value.
    public var value: String?
    /// What is wrong and what would be valid.
    public var message: String

    /// Creates a diagnostic.
    public init(
        file: String, line: Int, section: String? = nil, key: String? = nil, value: String? = nil,
        message: String
    ) {
        self.file = file
        self.line = line
        self.section = section
        self.key = key
        self.value = value
        self.message = message
    }

    /// `FILE:LINE: [Section] Key=Value: message`, leaving out the parts that are absent.
    public var description: String {
        var text = line > 0 ? "\(file):\(line): " : "\(file): "
        var subject = section.map { "[\($0)]" } ?? ""
        if let key {
            subject += (subject.isEmpty ? "" : " ") + key
            if let value { subject += "=" + Self.shortened(value) }
        }
        if !subject.isEmpty { text += subject + ": " }
        return text + message
    }

    /// Long values are cut so one diagnostic stays one readable line.
    private static func shortened(_ value: String) -> String {
        value.count <= 80 ? value : String(value.prefix(77)) + "…"
    }

    private enum CodingKeys: String, CodingKey {
        case file, line, section, key, value, message, text
    }

    /// Decodes a diagnostic; the `text` field is ignored (it is derived).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        file = try container.decode(String.self, forKey: .file)
        line = try container.decode(Int.self, forKey: .line)
        section = try container.decodeIfPresent(String.self, forKey: .section)
        key = try container.decodeIfPresent(String.self, forKey: .key)
        value = try container.decodeIfPresent(String.self, forKey: .value)
        message = try container.decode(String.self, forKey: .message)
    }

    /// Encodes the parts and `text`, the printed form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encodeIfPresent(section, forKey: .section)
        try container.encodeIfPresent(key, forKey: .key)
        try container.encodeIfPresent(value, forKey: .value)
        try container.encode(message, forKey: .message)
        try container.encode(description, forKey: .text)
    }
}

/// Every problem found while loading a configuration file; thrown when there is at least one.
public struct ConfigurationErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems in file order (never empty when thrown).
    public var diagnostics: [ConfigDiagnostic]

    /// Wraps a list of diagnostics.
    public init(diagnostics: [ConfigDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// One diagnostic a line.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
