import KioskControl

/// A `ControlValue` inside an `Encodable` report (for `--json` output through `JSONOutput`).
struct ControlJSON: Encodable {
    var value: ControlValue

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        switch value {
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
            for item in items { try container.encode(ControlJSON(value: item)) }
        case .object(let fields):
            var container = encoder.container(keyedBy: Key.self)
            for (key, item) in fields { try container.encode(ControlJSON(value: item), forKey: Key(stringValue: key)) }
        }
    }
}
