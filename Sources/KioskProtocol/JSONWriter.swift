/// Writes JSON text (RFC 8259) byte by byte: the one JSON writer of the code base, behind the
/// hand-laid bodies of the hot paths (``EventBatchBody``, ``BatchResults/encodedJSON()``) and
/// every `Encodable` value alike (``JSONDocumentEncoder``: event data, health reports,
/// `kioskctl --json`, the control socket's answers).
///
/// Members and elements go out in the order they are written; commas, colons and (when
/// ``prettyPrinted``) line breaks and indentation are added here, so a call site writes only
/// keys and values. Strings are escaped as `JSONEncoder` escapes them with
/// `.withoutEscapingSlashes`: `"`, `\` and the control characters U+0000–U+001F (as `\n`,
/// `\r`, `\t`, `\b`, `\f` or `\u00XX`); everything else, Vietnamese included, is plain UTF-8.
///
/// Pretty-printed text has the layout of `JSONEncoder`'s `.prettyPrinted` (two spaces per
/// level, `"key" : value`), except that an empty object or array stays `{}` or `[]` on one line.
public struct JSONWriter: Sendable {
    /// The text written so far.
    public private(set) var bytes: [UInt8]
    /// Whether values are laid out on indented lines (for people) or packed (for machines).
    public let prettyPrinted: Bool

    private enum Position: Sendable {
        /// At the start of the text or of a container: no separator before the next value.
        case first
        /// After a value inside a container: a comma before the next one.
        case afterValue
        /// After a key: the value follows the colon directly.
        case afterKey
    }

    private var position = Position.first
    private var depth = 0

    /// Creates a writer with room for `capacity` bytes.
    public init(reservingCapacity capacity: Int = 0, prettyPrinted: Bool = false) {
        bytes = []
        bytes.reserveCapacity(capacity)
        self.prettyPrinted = prettyPrinted
    }

    // MARK: Containers

    /// Writes `{`, then what `members` writes (keys and values), then `}`.
    public mutating func object(_ members: (inout JSONWriter) -> Void) {
        beginObject()
        members(&self)
        endObject()
    }

    /// Writes `[`, then what `elements` writes, then `]`.
    public mutating func array(_ elements: (inout JSONWriter) -> Void) {
        beginArray()
        elements(&self)
        endArray()
    }

    /// Opens an object; each member is a ``key(_:)`` and a value, then ``endObject()``.
    public mutating func beginObject() { open(UInt8(ascii: "{")) }

    /// Closes the object ``beginObject()`` opened.
    public mutating func endObject() { close(UInt8(ascii: "}")) }

    /// Opens an array; write its elements, then ``endArray()``.
    public mutating func beginArray() { open(UInt8(ascii: "[")) }

    /// Closes the array ``beginArray()`` opened.
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    private mutating func open(_ bracket: UInt8) {
        beforeValue()
        bytes.append(bracket)
        depth += 1
        position = .first
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        // An empty container stays `{}`/`[]`; a filled one closes on its own line when pretty.
        if prettyPrinted, position != .first { newline() }
        bytes.append(bracket)
        position = .afterValue
    }

    /// Writes an object member's key written in the source (`writer.key("seq")`) and its
    /// colon; the value written next belongs to it.
    public mutating func key(_ name: StaticString) {
        let fast = name.withUTF8Buffer { name in
            // The hot paths' keys: separator, quotes, name and colon in one append.
            guard !prettyPrinted, name.count <= 60, Self.firstEscapeIndex(name, from: 0) == name.count else {
                return false
            }
            let comma = position == .afterValue
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
                var end = 0
                if comma {
                    buffer[0] = UInt8(ascii: ",")
                    end = 1
                }
                buffer[end] = UInt8(ascii: "\"")
                _ = UnsafeMutableBufferPointer(rebasing: buffer[(end + 1)...]).initialize(from: name)
                end += name.count + 1
                buffer[end] = UInt8(ascii: "\"")
                buffer[end + 1] = UInt8(ascii: ":")
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[..<(end + 2)]))
            }
            return true
        }
        if fast {
            position = .afterKey
            return
        }
        separate()
        name.withUTF8Buffer { Self.appendQuoted($0, to: &bytes) }
        colon()
    }

    /// Writes an object member's key made at run time (escaped like any string) and its colon.
    public mutating func key(text name: String) {
        separate()
        Self.appendQuoted(name, to: &bytes)
        colon()
    }

    private mutating func colon() {
        if prettyPrinted {
            bytes.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20])
        } else {
            bytes.append(UInt8(ascii: ":"))
        }
        position = .afterKey
    }

    /// The comma and (pretty) line break before a key or an element.
    private mutating func separate() {
        if position == .afterValue { bytes.append(UInt8(ascii: ",")) }
        if prettyPrinted, depth > 0 { newline() }
    }

    private mutating func newline() {
        bytes.append(0x0A)
        for _ in 0..<depth { bytes.append(contentsOf: [0x20, 0x20]) }
    }

    private mutating func beforeValue() {
        if position == .afterKey { return }
        separate()
    }

    // MARK: Members

    /// Writes an object member: ``key(_:)`` `name`, then `text` (escaped).
    public mutating func member(_ name: StaticString, _ text: String) {
        key(name)
        value(text)
    }

    /// Writes an object member: ``key(_:)`` `name`, then `number` in decimal.
    public mutating func member(_ name: StaticString, _ number: Int64) {
        key(name)
        value(number)
    }

    /// Writes an object member: ``key(_:)`` `name`, then `number` in decimal.
    public mutating func member(_ name: StaticString, _ number: Int) {
        key(name)
        value(number)
    }

    /// Writes an object member: ``key(_:)`` `name`, then `number` in decimal.
    public mutating func member(_ name: StaticString, _ number: UInt64) {
        key(name)
        value(number)
    }

    /// Writes an object member: ``key(_:)`` `name`, then `number` as ``value(_:)-(Double)`` does.
    public mutating func member(_ name: StaticString, _ number: Double) {
        key(name)
        value(number)
    }

    /// Writes an object member: ``key(_:)`` `name`, then `true` or `false`.
    public mutating func member(_ name: StaticString, _ flag: Bool) {
        key(name)
        value(flag)
    }

    // MARK: Values

    /// Writes a string, escaped.
    public mutating func value(_ text: String) {
        beforeValue()
        Self.appendQuoted(text, to: &bytes)
        position = .afterValue
    }

    /// Writes an integer in decimal, `-` for negatives, no leading zeros.
    public mutating func value(_ number: Int64) {
        beforeValue()
        Self.appendDecimal(number, to: &bytes)
        position = .afterValue
    }

    /// Writes an integer in decimal.
    public mutating func value(_ number: Int) { value(Int64(number)) }

    /// Writes an unsigned integer in decimal.
    public mutating func value(_ number: UInt64) {
        beforeValue()
        Self.appendDecimal(number, negative: false, to: &bytes)
        position = .afterValue
    }

    /// Writes a number as `JSONEncoder` does: Swift's shortest round-tripping form
    /// (`0.1`, `1e+20`, `-3.5e-07`) with a whole number's `.0` dropped (`2`). A value that is
    /// not finite has no JSON form and is written as `null` (``JSONDocumentEncoder`` refuses it
    /// before it gets here).
    public mutating func value(_ number: Double) {
        guard number.isFinite else { return null() }
        numberLiteral(number.description)
    }

    /// Writes `true` or `false`.
    public mutating func value(_ flag: Bool) {
        beforeValue()
        bytes.append(contentsOf: flag ? Self.trueLiteral : Self.falseLiteral)
        position = .afterValue
    }

    /// Writes `null`.
    public mutating func null() {
        beforeValue()
        bytes.append(contentsOf: Self.nullLiteral)
        position = .afterValue
    }

    /// Writes `json`, which must hold exactly one JSON value, byte for byte as it is (an
    /// event's stored `data`, whose keys must not be reordered); an empty `json` is written as
    /// `null` so the text stays valid.
    public mutating func rawValue(_ json: [UInt8]) {
        beforeValue()
        bytes.append(contentsOf: json.isEmpty ? Self.nullLiteral : json)
        position = .afterValue
    }

    /// A number already in its JSON form (a `Double` or `Float`'s description), `.0` dropped.
    mutating func numberLiteral(_ text: String) {
        beforeValue()
        let utf8 = text.utf8
        if utf8.count > 2, text.hasSuffix(".0") {
            bytes.append(contentsOf: utf8.dropLast(2))
        } else {
            bytes.append(contentsOf: utf8)
        }
        position = .afterValue
    }

    // MARK: Bytes

    private static let trueLiteral: [UInt8] = Array("true".utf8)
    private static let falseLiteral: [UInt8] = Array("false".utf8)
    private static let nullLiteral: [UInt8] = Array("null".utf8)
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` as a JSON string literal with its quotes.
    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { appendQuoted($0, to: &out) }
    }

    /// Appends UTF-8 text as a JSON string literal with its quotes.
    static func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Copy runs of plain bytes at once; escape the few that need it.
        var runStart = 0
        var i = firstEscapeIndex(utf8, from: 0)
        while i < utf8.count {
            if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
            appendEscape(utf8[i], to: &out)
            runStart = i + 1
            i = firstEscapeIndex(utf8, from: runStart)
        }
        if runStart < utf8.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        out.append(UInt8(ascii: "\""))
    }

    /// Where the first byte at or after `start` that must be escaped is (`"`, `\\`, below
    /// 0x20), or `utf8.count`. Eight bytes per step: a zero byte of `word ^ c` marks a byte equal
    /// to `c`, and `(v - 0x01…) & ~v & 0x80…` finds zero bytes (exactly, at the lowest one);
    /// `(word - 0x20…) & ~word & 0x80…` finds bytes below 0x20. UTF-8 lead and continuation
    /// bytes (0x80 and up) never match.
    static func firstEscapeIndex(_ utf8: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        if let base = utf8.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let high: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= utf8.count {
                // Little-endian, so the lowest byte of the word is the first of the text.
                let word = UInt64(
                    littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let found = ((word &- ones &* 0x20) | (quote &- ones) | (backslash &- ones)) & ~word & high
                if found != 0 { return i + found.trailingZeroBitCount / 8 }
                i += 8
            }
        }
        while i < utf8.count {
            let b = utf8[i]
            if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { return i }
            i += 1
        }
        return i
    }

    private static func appendEscape(_ b: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch b {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            out.append(UInt8(ascii: "u"))
            out.append(UInt8(ascii: "0"))
            out.append(UInt8(ascii: "0"))
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0x0f)])
        }
    }

    static func appendDecimal(_ number: Int64, to out: inout [UInt8]) {
        appendDecimal(number.magnitude, negative: number < 0, to: &out)
    }

    /// Digits straight into the text, no `String` in between.
    static func appendDecimal(_ magnitude: UInt64, negative: Bool, to out: inout [UInt8]) {
        if negative { out.append(UInt8(ascii: "-")) }
        guard magnitude >= 10 else { return out.append(UInt8(ascii: "0") + UInt8(magnitude)) }
        // UInt64.max has 20 digits.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var rest = magnitude
            var index = digits.count
            while rest > 0 {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[index...]))
        }
    }
}
