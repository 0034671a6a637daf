/// Byte ranges of values inside JSON text that is already known to be valid (it was parsed
/// by `JSONSerialization` first), so an event's `data` can be stored exactly as sent.
///
/// The scanner only tracks strings and nesting; it does not validate.
struct JSONSpans {
    let bytes: [UInt8]

    /// Members of the object starting at `start` (a `{`): raw key bytes (between the quotes,
    /// escapes left as they are) and the value's range.
    func members(ofObjectAt start: Int) -> [(key: ArraySlice<UInt8>, value: Range<Int>)] {
        var result: [(key: ArraySlice<UInt8>, value: Range<Int>)] = []
        guard start < bytes.count, bytes[start] == UInt8(ascii: "{") else { return result }
        var i = skipSpace(start + 1)
        while i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
            let keyEnd = stringEnd(i)
            let key = bytes[(i + 1)..<(keyEnd - 1)]
            i = skipSpace(keyEnd)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return result }
            let valueStart = skipSpace(i + 1)
            let valueEnd = self.valueEnd(valueStart)
            result.append((key, valueStart..<valueEnd))
            i = skipSpace(valueEnd)
            if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i = skipSpace(i + 1) }
        }
        return result
    }

    /// Elements of the array starting at `start` (a `[`).
    func elements(ofArrayAt start: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        guard start < bytes.count, bytes[start] == UInt8(ascii: "[") else { return result }
        var i = skipSpace(start + 1)
        while i < bytes.count, bytes[i] != UInt8(ascii: "]") {
            let end = valueEnd(i)
            result.append(i..<end)
            i = skipSpace(end)
            if i < bytes.count, bytes[i] == UInt8(ascii: ",") { i = skipSpace(i + 1) }
        }
        return result
    }

    /// The last member named `key` (plain ASCII name) of the object at `start`, as JSONSerialization keeps the last.
    func member(_ key: String, ofObjectAt start: Int) -> Range<Int>? {
        let name = Array(key.utf8)
        return members(ofObjectAt: start).last { $0.key.elementsEqual(name) }?.value
    }

    func skipSpace(_ from: Int) -> Int {
        var i = from
        while i < bytes.count, bytes[i] == 32 || bytes[i] == 9 || bytes[i] == 10 || bytes[i] == 13 { i += 1 }
        return i
    }

    /// Index just past the string starting at `start` (a `"`).
    private func stringEnd(_ start: Int) -> Int {
        bytes.withUnsafeBufferPointer { Self.stringEnd($0, start) }
    }

    private static func stringEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start + 1
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\\") {
                i += 2
            } else if b == UInt8(ascii: "\"") {
                return i + 1
            } else {
                i += 1
            }
        }
        return bytes.count
    }

    /// Index just past the value starting at `start`.
    private func valueEnd(_ start: Int) -> Int {
        bytes.withUnsafeBufferPointer { bytes in
            guard start < bytes.count else { return start }
            switch bytes[start] {
            case UInt8(ascii: "\""):
                return Self.stringEnd(bytes, start)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                var i = start
                while i < bytes.count {
                    let b = bytes[i]
                    if b == UInt8(ascii: "\"") {
                        i = Self.stringEnd(bytes, i)
                        continue
                    }
                    if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                        depth += 1
                    } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                        depth -= 1
                        if depth == 0 { return i + 1 }
                    }
                    i += 1
                }
                return bytes.count
            default:
                var i = start
                while i < bytes.count {
                    switch bytes[i] {
                    case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 32, 9, 10, 13: return i
                    default: i += 1
                    }
                }
                return i
            }
        }
    }
}
