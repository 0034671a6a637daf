/// Why a control request line is not JSON the socket accepts. The text names a byte offset
/// and a reason, never the line's content (it may hold personal data).
public struct ControlJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset in the line where reading stopped.
    public var offset: Int
    /// What was wrong there, e.g. `expected a value`.
    public var reason: String

    /// Creates an error.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// `invalid JSON at byte 12: expected ':' after an object key`.
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension ControlValue {
    /// How deep arrays and objects may nest in a request; deeper is refused (no stack overflow).
    public static let maximumNesting = 32

    /// Reads one JSON value from UTF-8 bytes (a request line without its newline).
    ///
    /// Strict RFC 8259: objects, arrays, strings (every escape, `\uXXXX` with surrogate pairs;
    /// invalid UTF-8 and lone surrogates refused), `true`, `false`, `null` and numbers. Since
    /// `ControlValue` holds integers only, a number with a fraction or an exponent is refused,
    /// and so is one outside `Int64`. Duplicate keys are refused. Whitespace may surround the
    /// value; anything after it is an error.
    public static func parse(_ bytes: some Collection<UInt8>) throws(ControlJSONError) -> ControlValue {
        var reader = ControlJSONReader(bytes: Array(bytes))
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.position == reader.bytes.count else { throw reader.failure("unexpected text after the value") }
        return value
    }
}

/// A recursive-descent reader over a byte array; the depth limit bounds the recursion.
struct ControlJSONReader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func failure(_ reason: String) -> ControlJSONError { ControlJSONError(offset: position, reason: reason) }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    mutating func value(depth: Int) throws(ControlJSONError) -> ControlValue {
        guard let byte = current else { throw failure("expected a value, found the end of the line") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .int(try number())
        default: throw failure("expected a value")
        }
    }

    private mutating func literal(_ word: String) throws(ControlJSONError) {
        let expected = Array(word.utf8)
        guard bytes.count - position >= expected.count,
            bytes[position..<position + expected.count].elementsEqual(expected)
        else { throw failure("expected \(word)") }
        position += expected.count
    }

    private mutating func object(depth: Int) throws(ControlJSONError) -> ControlValue {
        guard depth <= ControlValue.maximumNesting else {
            throw failure("nested deeper than \(ControlValue.maximumNesting)")
        }
        position += 1
        var fields: [String: ControlValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(fields)
        }
        while true {
            guard current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
            let keyOffset = position
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw failure("expected ':' after an object key") }
            position += 1
            skipWhitespace()
            let item = try value(depth: depth)
            guard fields.updateValue(item, forKey: key) == nil else {
                throw ControlJSONError(offset: keyOffset, reason: "duplicate key")
            }
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                position += 1
                return .object(fields)
            default:
                throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array(depth: Int) throws(ControlJSONError) -> ControlValue {
        guard depth <= ControlValue.maximumNesting else {
            throw failure("nested deeper than \(ControlValue.maximumNesting)")
        }
        position += 1
        var items: [ControlValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try value(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                position += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                position += 1
                return .array(items)
            default:
                throw failure("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func number() throws(ControlJSONError) -> Int64 {
        let start = position
        let negative = current == UInt8(ascii: "-")
        if negative { position += 1 }
        guard let first = current, first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            throw failure("expected a digit")
        }
        var magnitude: UInt64 = 0
        if first == UInt8(ascii: "0") {
            position += 1
        } else {
            while let digit = current, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") {
                let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else {
                    throw ControlJSONError(offset: start, reason: "number out of range")
                }
                magnitude = sum
                position += 1
            }
        }
        if let next = current, next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            throw ControlJSONError(offset: start, reason: "only whole numbers are accepted")
        }
        if let next = current, next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
            throw failure("a number may not start with 0")
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else {
                throw ControlJSONError(offset: start, reason: "number out of range")
            }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else {
            throw ControlJSONError(offset: start, reason: "number out of range")
        }
        return Int64(magnitude)
    }

    /// Reads a string; the bytes between escapes are checked as UTF-8 at the end.
    private mutating func string() throws(ControlJSONError) -> String {
        let start = position
        position += 1
        var out: [UInt8] = []
        while true {
            guard let byte = current else { throw failure("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = String(validating: out, as: UTF8.self) else {
                    throw ControlJSONError(offset: start, reason: "string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                try escape(into: &out)
            case 0x00..<0x20:
                throw failure("control character in a string (escape it)")
            default:
                out.append(byte)
                position += 1
            }
        }
    }

    private mutating func escape(into out: inout [UInt8]) throws(ControlJSONError) {
        guard let byte = current else { throw failure("unterminated escape") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "/"): out.append(0x2F)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hexUnit()
            var scalarValue = UInt32(unit)
            if (0xD800..<0xDC00).contains(unit) {
                guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw failure("lone high surrogate in \\u escape") }
                position += 2
                let low = try hexUnit()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("high surrogate not followed by a low one") }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00..<0xE000).contains(unit) {
                throw failure("lone low surrogate in \\u escape")
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("invalid \\u escape") }
            UTF8.encode(scalar) { out.append($0) }
        default:
            throw failure("unknown escape")
        }
    }

    private mutating func hexUnit() throws(ControlJSONError) -> UInt16 {
        guard bytes.count - position >= 4 else { throw failure("\\u needs four hex digits") }
        var unit: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("\\u needs four hex digits")
            }
            unit = unit << 4 | UInt16(digit)
            position += 1
        }
        return unit
    }
}
