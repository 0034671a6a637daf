/// One line of a configuration file, decoded.
struct SourceLine: Sendable {
    /// 1-based line number.
    var number: Int
    /// The line's text without its line ending.
    var text: String
}

/// A configuration file cut into decoded lines.
///
/// Tolerates a UTF-8 byte-order mark and CRLF line endings. A line that is not valid UTF-8, or
/// holds a control character other than a tab, becomes a diagnostic naming the line and is
/// left out, so the rest of the file is still checked.
struct SourceText: Sendable {
    /// The decodable lines.
    var lines: [SourceLine]
    /// Number of lines in the file (for "end of file" positions); at least 1.
    var lineCount: Int
    /// Lines that could not be decoded.
    var diagnostics: [ConfigDiagnostic]

    /// Decodes `bytes`, naming `file` in diagnostics.
    init(bytes: [UInt8], file: String) {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var lines: [SourceLine] = []
        var diagnostics: [ConfigDiagnostic] = []
        var number = 0
        var lineStart = start
        var index = start
        func take(_ end: Int) {
            number += 1
            var slice = bytes[lineStart..<end]
            if slice.last == 0x0D { slice = slice.dropLast() }
            switch Self.decode(slice) {
            case .success(let text): lines.append(SourceLine(number: number, text: text))
            case .failure(let problem):
                diagnostics.append(ConfigDiagnostic(file: file, line: number, message: problem.message))
            }
        }
        while index < bytes.count {
            if bytes[index] == 0x0A {
                take(index)
                lineStart = index + 1
            }
            index += 1
        }
        if lineStart < bytes.count { take(bytes.count) }
        self.lines = lines
        self.lineCount = max(number, 1)
        self.diagnostics = diagnostics
    }

    /// Decodes the text of a `String` (already valid Unicode).
    init(text: String, file: String) {
        self.init(bytes: Array(text.utf8), file: file)
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> Result<String, ValueProblem> {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            // Name the first bad byte's column so it can be found in an editor.
            var column = 1
            var iterator = bytes.makeIterator()
            var decoder = UTF8()
            var offendingByte: UInt8 = 0
            var consumed = bytes.startIndex
            loop: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar):
                    column += 1
                    consumed += UTF8.width(scalar)
                case .emptyInput: break loop
                case .error:
                    offendingByte = consumed < bytes.endIndex ? bytes[consumed] : 0
                    break loop
                }
            }
            let hex = String(offendingByte, radix: 16, uppercase: true)
            return .failure(
                ValueProblem(
                    "not valid UTF-8 (byte 0x\(hex.count < 2 ? "0" + hex : hex) at column \(column)); "
                        + "save the file as UTF-8"))
        }
        if let control = text.unicodeScalars.first(where: { $0.value < 0x20 && $0 != "\t" || $0.value == 0x7F }) {
            let hex = String(control.value, radix: 16, uppercase: true)
            return .failure(
                ValueProblem(
                    "contains a control character (U+\(String(repeating: "0", count: 4 - hex.count) + hex)); "
                        + "remove it"))
        }
        return .success(text)
    }
}
