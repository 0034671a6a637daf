/// One value of a ``JSONDocument``: its kind, its raw bytes, and decoded views of it.
///
/// Cheap to copy (the document's storage is shared). Accessors that do not fit the kind
/// answer nil (or an empty list) instead of trapping.
public struct JSONElement: Sendable {
    /// The document it belongs to.
    public let document: JSONDocument
    let index: Int

    private var node: JSONNode { document.nodes[index] }

    /// What kind of value it is.
    public var kind: JSONKind { node.kind }

    /// Where the value is in the document's bytes (quotes included for strings).
    public var byteRange: Range<Int> { Int(node.start)..<Int(node.end) }

    /// The value's bytes exactly as they are in the text.
    public var rawBytes: ArraySlice<UInt8> { document.bytes[byteRange] }

    /// Members of an object or elements of an array (0 for other kinds).
    public var count: Int { Int(node.count) }

    // MARK: Containers

    /// The value of the member named `name` (keys compared after unescaping; the last one
    /// wins when a key repeats); nil when absent or when this is not an object.
    public subscript(name: String) -> JSONElement? {
        guard kind == .object else { return nil }
        var name = name
        return name.withUTF8 { wanted in
            var found: Int?
            var key = index + 1
            for _ in 0..<count {
                if keyEquals(key, wanted) { found = key + 1 }
                key = Int(document.nodes[key + 1].next)
            }
            return found.map { JSONElement(document: document, index: $0) }
        }
    }

    private func keyEquals(_ keyIndex: Int, _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
        let key = document.nodes[keyIndex]
        let start = Int(key.start) + 1
        let end = Int(key.end) - 1
        if key.flag {
            return JSONElement(document: document, index: keyIndex).decodedStringBytes().elementsEqual(wanted)
        }
        guard end - start == wanted.count else { return false }
        return document.bytes.withUnsafeBufferPointer { bytes in
            for k in 0..<wanted.count where bytes[start + k] != wanted[k] { return false }
            return true
        }
    }

    /// An object's members in document order, keys unescaped (empty for other kinds).
    public var members: [(key: String, value: JSONElement)] {
        guard kind == .object else { return [] }
        var result: [(key: String, value: JSONElement)] = []
        result.reserveCapacity(count)
        var key = index + 1
        for _ in 0..<count {
            let keyElement = JSONElement(document: document, index: key)
            result.append((keyElement.string ?? "", JSONElement(document: document, index: key + 1)))
            key = Int(document.nodes[key + 1].next)
        }
        return result
    }

    /// An array's elements in order (empty for other kinds).
    public var elements: [JSONElement] {
        guard kind == .array else { return [] }
        var result: [JSONElement] = []
        result.reserveCapacity(count)
        var element = index + 1
        for _ in 0..<count {
            result.append(JSONElement(document: document, index: element))
            element = Int(document.nodes[element].next)
        }
        return result
    }

    // MARK: Scalars

    /// The text of a string, unescaped; nil for other kinds.
    public var string: String? {
        guard kind == .string else { return nil }
        if !node.flag {
            return String(decoding: document.bytes[(Int(node.start) + 1)..<(Int(node.end) - 1)], as: UTF8.self)
        }
        return String(decoding: decodedStringBytes(), as: UTF8.self)
    }

    /// Whether this is a string with no characters.
    public var isEmptyString: Bool { kind == .string && node.end - node.start == 2 }

    /// The value of an integer literal (no fraction, no exponent) that fits in `Int64`;
    /// nil for other numbers and kinds.
    public var int64: Int64? {
        guard kind == .number, node.flag else { return nil }
        return Int64(String(decoding: rawBytes, as: UTF8.self))
    }

    /// The value of an integer literal (no fraction, no exponent) that `T` holds exactly,
    /// read from the literal itself (not through `Int64`, so `UInt64` has its whole range);
    /// nil for other numbers and kinds.
    func integer<T: FixedWidthInteger>(_ type: T.Type) -> T? {
        guard kind == .number, node.flag else { return nil }
        return T(String(decoding: rawBytes, as: UTF8.self), radix: 10)
    }

    /// The value of `true` or `false`; nil for other kinds.
    public var bool: Bool? { kind == .bool ? node.flag : nil }

    /// Whether this is `null`.
    public var isNull: Bool { kind == .null }

    /// A string's UTF-8 bytes with escapes resolved (the parser checked them).
    func decodedStringBytes() -> [UInt8] {
        let start = Int(node.start) + 1
        let end = Int(node.end) - 1
        return document.bytes.withUnsafeBufferPointer { p in
            var out: [UInt8] = []
            out.reserveCapacity(end - start)
            var i = start
            func hex(_ at: Int) -> UInt32 {
                var value: UInt32 = 0
                for k in 0..<4 {
                    let c = p[at + k]
                    let digit: UInt8 =
                        c <= UInt8(ascii: "9") ? c - UInt8(ascii: "0") : (c | 0x20) - UInt8(ascii: "a") + 10
                    value = value << 4 | UInt32(digit)
                }
                return value
            }
            while i < end {
                let b = p[i]
                guard b == UInt8(ascii: "\\") else {
                    out.append(b)
                    i += 1
                    continue
                }
                let e = p[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = hex(i)
                    i += 4
                    if scalar >= 0xD800 && scalar <= 0xDBFF {
                        let low = hex(i + 2)
                        i += 6
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    appendUTF8(scalar, to: &out)
                default: out.append(e)  // " \ /
                }
            }
            return out
        }
    }
}

/// Appends a Unicode scalar value (not a surrogate) as UTF-8.
private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        out.append(UInt8(scalar))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | scalar >> 6))
        out.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | scalar >> 12))
        out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        out.append(UInt8(0x80 | scalar & 0x3F))
    default:
        out.append(UInt8(0xF0 | scalar >> 18))
        out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
        out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        out.append(UInt8(0x80 | scalar & 0x3F))
    }
}
