import KioskProtocol

/// Control-socket values written as JSON by KioskProtocol's one writer
/// (``JSONDocumentEncoder`` over ``JSONWriter``), as they are read by its one reader
/// (``ControlValue/parse(_:)``): the socket's answers and events, and `kioskctl --json`.
extension ControlValue: Encodable {
    /// Compact JSON text, keys sorted by their UTF-8 bytes: one line of the socket.
    public var json: String {
        // A ControlValue holds only strings, integers, booleans and null: encoding cannot fail.
        (try? JSONDocumentEncoder().encodeToString(self)) ?? "null"
    }

    /// Encodes the value as the JSON value it stands for (an object's keys sorted when written).
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .int(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .array(let items):
            var container = encoder.unkeyedContainer()
            for item in items { try container.encode(item) }
        case .object(let fields):
            var container = encoder.container(keyedBy: FieldKey.self)
            for (key, item) in fields { try container.encode(item, forKey: FieldKey(stringValue: key)) }
        }
    }
}

/// An object's key, any text.
private struct FieldKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
