/// A JSON text (RFC 8259) read in one pass into a flat list of nodes over its bytes, for the
/// hot paths of the protocol: the receiver reading a batch of 500 events, the kiosk reading
/// the answer. Nothing is decoded until asked for: a string stays a byte range until its
/// ``JSONElement/string`` is read, so the raw bytes of any value (an event's `data`) are
/// available exactly as sent.
///
/// Strict: invalid UTF-8, unescaped control characters, lone surrogate escapes, leading
/// zeros, trailing commas, comments and anything after the value are refused. Nesting
/// deeper than ``maxDepth`` is refused rather than recursed into.
public struct JSONDocument: Sendable {
    /// The JSON text.
    public let bytes: [UInt8]
    /// The values in document order: a container is followed by its children (for an object:
    /// key, value, key, value …); `next` skips a whole subtree.
    let nodes: [JSONNode]

    /// How deep objects and arrays may nest.
    public static let maxDepth = 512

    /// Parses `bytes`; throws ``JSONSyntaxError`` (with the byte offset) when they are not
    /// exactly one JSON value, optionally surrounded by whitespace.
    public init(parsing bytes: [UInt8]) throws(JSONSyntaxError) {
        guard bytes.count < Int(UInt32.max) else {
            throw JSONSyntaxError(offset: 0, reason: "text longer than 4 GiB")
        }
        self.bytes = bytes
        self.nodes = try bytes.withUnsafeBufferPointer { buffer throws(JSONSyntaxError) -> [JSONNode] in
            var parser = JSONParser(buffer)
            return try parser.parseDocument()
        }
    }

    /// The top-level value.
    public var root: JSONElement { JSONElement(document: self, index: 0) }
}

/// Why a text is not JSON, and where. Never quotes the text (it may hold personal data).
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem.
    public var offset: Int
    /// What was wrong there, e.g. "expected ':' after an object key".
    public var reason: String

    /// Creates an error.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// "invalid JSON at byte 17: expected ':' after an object key".
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// The kind of a JSON value.
public enum JSONKind: UInt8, Sendable {
    /// `{…}`
    case object
    /// `[…]`
    case array
    /// `"…"`
    case string
    /// `-1.5e3`, `42`
    case number
    /// `true` or `false`
    case bool
    /// `null`
    case null
}

/// One value on the tape.
struct JSONNode: Sendable {
    var kind: JSONKind
    /// Strings: has escapes. Numbers: is an integer literal (no fraction, no exponent).
    /// Booleans: is `true`.
    var flag: Bool
    /// Byte range of the value (quotes included for strings).
    var start: UInt32
    var end: UInt32
    /// Members (objects) or elements (arrays).
    var count: UInt32
    /// Index of the node after this value's subtree.
    var next: UInt32
}

/// The single-pass parser behind ``JSONDocument``.
struct JSONParser {
    private let p: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var nodes: [JSONNode] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        p = bytes
        // A compact JSON value takes at least 2 bytes on average (`1,`); most take far more.
        nodes.reserveCapacity(min(bytes.count / 8 + 16, 1 << 20))
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> [JSONNode] {
        skipSpace()
        try parseValue(depth: 0)
        skipSpace()
        guard i == p.count else { throw fail("unexpected text after the value") }
        return nodes
    }

    private func fail(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset ?? i, reason: reason)
    }

    private mutating func skipSpace() {
        while i < p.count {
            switch p[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONSyntaxError) {
        guard i < p.count else { throw fail("unexpected end of text, expected a value") }
        switch p[i] {
        case UInt8(ascii: "{"): try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try parseLiteral("true", kind: .bool, flag: true)
        case UInt8(ascii: "f"): try parseLiteral("false", kind: .bool, flag: false)
        case UInt8(ascii: "n"): try parseLiteral("null", kind: .null, flag: false)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        default: throw fail("unexpected character, expected a value")
        }
    }

    /// Appends a container's node; its end, count and next are filled in when it closes.
    private mutating func open(_ kind: JSONKind, depth: Int) throws(JSONSyntaxError) -> Int {
        guard depth <= JSONDocument.maxDepth else { throw fail("nested deeper than \(JSONDocument.maxDepth) levels") }
        nodes.append(JSONNode(kind: kind, flag: false, start: UInt32(i), end: 0, count: 0, next: 0))
        i += 1
        return nodes.count - 1
    }

    private mutating func close(_ index: Int, count: UInt32) {
        i += 1
        nodes[index].end = UInt32(i)
        nodes[index].count = count
        nodes[index].next = UInt32(nodes.count)
    }

    private mutating func parseObject(depth: Int) throws(JSONSyntaxError) {
        let index = try open(.object, depth: depth)
        var count: UInt32 = 0
        skipSpace()
        if i < p.count, p[i] == UInt8(ascii: "}") {
            close(index, count: 0)
            return
        }
        while true {
            guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw fail("expected a string as object key") }
            try parseString()
            skipSpace()
            guard i < p.count, p[i] == UInt8(ascii: ":") else { throw fail("expected ':' after an object key") }
            i += 1
            skipSpace()
            try parseValue(depth: depth)
            count += 1
            skipSpace()
            guard i < p.count else { throw fail("unexpected end of text inside an object") }
            if p[i] == UInt8(ascii: ",") {
                i += 1
                skipSpace()
            } else if p[i] == UInt8(ascii: "}") {
                close(index, count: count)
                return
            } else {
                throw fail("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONSyntaxError) {
        let index = try open(.array, depth: depth)
        var count: UInt32 = 0
        skipSpace()
        if i < p.count, p[i] == UInt8(ascii: "]") {
            close(index, count: 0)
            return
        }
        while true {
            try parseValue(depth: depth)
            count += 1
            skipSpace()
            guard i < p.count else { throw fail("unexpected end of text inside an array") }
            if p[i] == UInt8(ascii: ",") {
                i += 1
                skipSpace()
            } else if p[i] == UInt8(ascii: "]") {
                close(index, count: count)
                return
            } else {
                throw fail("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func append(_ kind: JSONKind, flag: Bool, start: Int) {
        nodes.append(
            JSONNode(
                kind: kind, flag: flag, start: UInt32(start), end: UInt32(i), count: 0, next: UInt32(nodes.count + 1)))
    }

    private mutating func parseLiteral(_ word: StaticString, kind: JSONKind, flag: Bool) throws(JSONSyntaxError) {
        let start = i
        let length = word.utf8CodeUnitCount
        guard p.count - i >= length else { throw fail("unexpected end of text in a literal") }
        let text = word.utf8Start
        for k in 0..<length where p[i + k] != text[k] { throw fail("unknown literal", at: start) }
        i += length
        append(kind, flag: flag, start: start)
    }

    private mutating func digits() -> Int {
        let from = i
        while i < p.count, p[i] >= UInt8(ascii: "0"), p[i] <= UInt8(ascii: "9") { i += 1 }
        return i - from
    }

    private mutating func parseNumber() throws(JSONSyntaxError) {
        let start = i
        if p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < p.count, p[i] >= UInt8(ascii: "0"), p[i] <= UInt8(ascii: "9") else {
            throw fail("expected a digit in a number")
        }
        if p[i] == UInt8(ascii: "0") {
            i += 1
            if i < p.count, p[i] >= UInt8(ascii: "0"), p[i] <= UInt8(ascii: "9") {
                throw fail("leading zero in a number")
            }
        } else {
            _ = digits()
        }
        var integer = true
        if i < p.count, p[i] == UInt8(ascii: ".") {
            integer = false
            i += 1
            guard digits() > 0 else { throw fail("expected a digit after '.' in a number") }
        }
        if i < p.count, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            integer = false
            i += 1
            if i < p.count, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("expected a digit in a number's exponent") }
        }
        append(.number, flag: integer, start: start)
    }

    private func isContinuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
        offset < p.count && p[offset] >= low && p[offset] <= high
    }

    private func hexValue(at offset: Int) -> UInt32? {
        guard offset + 4 <= p.count else { return nil }
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = p[offset + k]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }

    /// A string literal: escapes checked (surrogates must pair), UTF-8 validated
    /// (Unicode Table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
    private mutating func parseString() throws(JSONSyntaxError) {
        let start = i
        i += 1
        var escaped = false
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                i += 1
                append(.string, flag: escaped, start: start)
                return
            }
            if b == UInt8(ascii: "\\") {
                escaped = true
                guard i + 1 < p.count else { break }
                switch p[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                    UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard let unit = hexValue(at: i + 2) else { throw fail("expected four hex digits after \\u") }
                    if unit >= 0xDC00 && unit <= 0xDFFF { throw fail("unpaired low surrogate escape") }
                    if unit >= 0xD800 && unit <= 0xDBFF {
                        guard i + 7 < p.count, p[i + 6] == UInt8(ascii: "\\"), p[i + 7] == UInt8(ascii: "u"),
                            let low = hexValue(at: i + 8), low >= 0xDC00 && low <= 0xDFFF
                        else { throw fail("high surrogate escape without its low surrogate") }
                        i += 12
                    } else {
                        i += 6
                    }
                default:
                    throw fail("unknown escape sequence")
                }
                continue
            }
            if b < 0x20 { throw fail("control character in a string") }
            if b < 0x80 {
                i += 1
                continue
            }
            switch b {
            case 0xC2...0xDF:
                guard isContinuation(i + 1) else { throw fail("invalid UTF-8") }
                i += 2
            case 0xE0...0xEF:
                let low: UInt8 = b == 0xE0 ? 0xA0 : 0x80
                let high: UInt8 = b == 0xED ? 0x9F : 0xBF
                guard isContinuation(i + 1, low, high), isContinuation(i + 2) else { throw fail("invalid UTF-8") }
                i += 3
            case 0xF0...0xF4:
                let low: UInt8 = b == 0xF0 ? 0x90 : 0x80
                let high: UInt8 = b == 0xF4 ? 0x8F : 0xBF
                guard isContinuation(i + 1, low, high), isContinuation(i + 2), isContinuation(i + 3) else {
                    throw fail("invalid UTF-8")
                }
                i += 4
            default:
                throw fail("invalid UTF-8")
            }
        }
        throw fail("unterminated string", at: start)
    }
}
