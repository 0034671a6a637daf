import ESCPOS

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Why a value was refused, and what would be valid; becomes a diagnostic's message.
struct ValueProblem: Error, Sendable, Equatable {
    /// The message, e.g. `not a supported baud rate; use one of 9600, 19200, …`.
    var message: String
    init(_ message: String) { self.message = message }
}

/// Parsers for the value types the configuration files use. Each returns the value or a
/// problem that says what would be valid.
enum ValueSyntax {
    /// `yes/no/true/false/on/off/1/0`, any case (as systemd accepts).
    static func boolean(_ text: String) -> Result<Bool, ValueProblem> {
        switch text.lowercased() {
        case "yes", "true", "on", "1": .success(true)
        case "no", "false", "off", "0": .success(false)
        default: .failure(ValueProblem("not a boolean; use yes or no (also true/false, on/off, 1/0)"))
        }
    }

    /// A decimal integer in `range`, digits only.
    static func integer(_ text: String, in range: ClosedRange<Int>, unit: String = "") -> Result<Int, ValueProblem> {
        let shown = "\(range.lowerBound)…\(range.upperBound)\(unit)"
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return .failure(ValueProblem("not a whole number; write digits only, in \(shown)"))
        }
        guard let value = Int(text), range.contains(value) else {
            return .failure(ValueProblem("out of range; use a number in \(shown)"))
        }
        return .success(value)
    }

    /// One of the raw values of `T`, exactly as listed (lower case).
    static func choice<T: RawRepresentable & CaseIterable>(_ text: String, of type: T.Type) -> Result<T, ValueProblem>
    where T.RawValue == String {
        if let value = T(rawValue: text) { return .success(value) }
        let names = T.allCases.map(\.rawValue)
        var message = "not one of " + names.joined(separator: ", ")
        if let near = Suggestion.nearest(to: text, among: names) { message += "; did you mean \(near)?" }
        return .failure(ValueProblem(message))
    }

    /// A non-empty path (absolute or relative to the file that names it).
    static func path(_ text: String) -> Result<String, ValueProblem> {
        text.isEmpty ? .failure(ValueProblem("empty; give a path")) : .success(text)
    }

    /// A name of a file in a folder of the project (printer profile, keymap): `a-z 0-9 - _ .`.
    static func resourceName(_ text: String, folder: String) -> Result<String, ValueProblem> {
        let allowed = text.utf8.allSatisfy {
            ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F || $0 == 0x2E
        }
        guard !text.isEmpty, allowed, !text.hasPrefix(".") else {
            return .failure(ValueProblem("not a name of \(folder); use lower-case letters, digits and -"))
        }
        return .success(text)
    }

    /// Text that must not be empty, in Unicode NFC: an editor that saves Vietnamese decomposed
    /// (a letter, then combining marks) gives the same text as one that saves it precomposed,
    /// which is the form the printer's code pages map.
    static func nonEmptyText(_ text: String) -> Result<String, ValueProblem> {
        text.isEmpty
            ? .failure(ValueProblem("empty; give a value")) : .success(text.canonicallyComposed)
    }

    /// `text` made only of `allowed` ASCII bytes, with a length in `lengths`.
    static func matches(_ text: String, lengths: ClosedRange<Int>, allowed: (UInt8) -> Bool) -> Bool {
        lengths.contains(text.utf8.count) && text.utf8.allSatisfy(allowed)
    }

    /// `A-Z` or `0-9`.
    static func isUpperAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }
}
