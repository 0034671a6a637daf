import KioskProtocol

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
    /// The text is read by KioskProtocol's ``JSONDocument`` (strict RFC 8259: every escape,
    /// `\uXXXX` with surrogate pairs, invalid UTF-8 and lone surrogates refused, nothing after
    /// the value), then turned into a `ControlValue`: since it holds integers only, a number
    /// with a fraction or an exponent is refused, and so is one outside `Int64`; duplicate keys
    /// are refused, and so is nesting deeper than ``maximumNesting``.
    public static func parse(_ bytes: some Collection<UInt8>) throws(ControlJSONError) -> ControlValue {
        let document: JSONDocument
        do throws(JSONSyntaxError) {
            document = try JSONDocument(parsing: Array(bytes))
        } catch {
            throw ControlJSONError(offset: error.offset, reason: error.reason)
        }
        return try value(of: document.root, depth: 0)
    }

    private static func value(of element: JSONElement, depth: Int) throws(ControlJSONError) -> ControlValue {
        let offset = element.byteRange.lowerBound
        switch element.kind {
        case .object:
            guard depth < maximumNesting else {
                throw ControlJSONError(offset: offset, reason: "nested deeper than \(maximumNesting)")
            }
            var fields: [String: ControlValue] = [:]
            for (key, member) in element.members {
                let item = try value(of: member, depth: depth + 1)
                guard fields.updateValue(item, forKey: key) == nil else {
                    throw ControlJSONError(offset: member.byteRange.lowerBound, reason: "duplicate key")
                }
            }
            return .object(fields)
        case .array:
            guard depth < maximumNesting else {
                throw ControlJSONError(offset: offset, reason: "nested deeper than \(maximumNesting)")
            }
            var items: [ControlValue] = []
            items.reserveCapacity(element.count)
            for item in element.elements { items.append(try value(of: item, depth: depth + 1)) }
            return .array(items)
        case .string:
            return .string(element.string ?? "")
        case .number:
            if let integer = element.int64 { return .int(integer) }
            let isWhole = !element.rawBytes.contains {
                $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
            }
            throw ControlJSONError(
                offset: offset, reason: isWhole ? "number out of range" : "only whole numbers are accepted")
        case .bool:
            return .bool(element.bool ?? false)
        case .null:
            return .null
        }
    }
}
