/// Encodes `Encodable` values as JSON text through ``JSONWriter``: the writing half of
/// ``JSONDocumentDecoder``, for every `Codable` value the kiosk, the receiver, kioskctl and
/// kiosk-bench write (event data, health reports, status updates, fault orders, `--json`
/// reports, the control socket's answers).
///
/// The text is what `JSONEncoder` writes with `.sortedKeys` and `.withoutEscapingSlashes`
/// (plus `.prettyPrinted` when asked): keys in the order of their UTF-8 bytes, as
/// `JSONEncoder` sorts them on Linux; strings escaped as ``JSONWriter`` escapes them;
/// integers in decimal; a `Double` or `Float` in Swift's shortest round-tripping form with
/// a whole number's `.0` dropped; an optional that is nil left out (as synthesized
/// `Encodable` conformances do). A value that is not finite is refused with
/// `EncodingError.invalidValue`, as `JSONEncoder` refuses it.
public struct JSONDocumentEncoder: Sendable {
    /// Whether the text is laid out on indented lines for people (`kioskctl --json`).
    public var prettyPrinted: Bool

    /// Creates an encoder; compact text unless `prettyPrinted`.
    public init(prettyPrinted: Bool = false) {
        self.prettyPrinted = prettyPrinted
    }

    /// The JSON text of `value`, UTF-8.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let slot = EncodedSlot()
        try value.encode(to: ValueEncoder(slot: slot, codingPath: []))
        guard let root = slot.value else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "\(T.self) did not encode any value"))
        }
        var writer = JSONWriter(reservingCapacity: 256, prettyPrinted: prettyPrinted)
        root.write(to: &writer)
        return writer.bytes
    }

    /// The JSON text of `value` as a `String`.
    public func encodeToString<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }
}

/// A value the encoder has built, written once the whole value is known (keys are sorted then).
enum EncodedValue {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    /// A finite `Double`'s or `Float`'s description.
    case number(String)
    case string(String)
    case object(EncodedObject)
    case array(EncodedArray)
    /// Filled in later (`superEncoder`); empty means `{}`.
    case slot(EncodedSlot)

    func write(to writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let flag): writer.value(flag)
        case .integer(let number): writer.value(number)
        case .unsigned(let number): writer.value(number)
        case .number(let text): writer.numberLiteral(text)
        case .string(let text): writer.value(text)
        case .object(let object):
            writer.object { writer in
                // Sorted by UTF-8 bytes: the order of Swift's `<` on strings and of `JSONEncoder`'s
                // `.sortedKeys` on Linux.
                for (key, member) in object.members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                    writer.key(text: key)
                    member.write(to: &writer)
                }
            }
        case .array(let array):
            writer.array { writer in
                for item in array.items { item.write(to: &writer) }
            }
        case .slot(let slot): (slot.value ?? .object(EncodedObject())).write(to: &writer)
        }
    }
}

/// An object being filled by a keyed container (a class: nested containers keep writing into it).
final class EncodedObject {
    var members: [String: EncodedValue] = [:]
}

/// An array being filled by an unkeyed container.
final class EncodedArray {
    var items: [EncodedValue] = []
}

/// Where one value goes once it is encoded.
final class EncodedSlot {
    var value: EncodedValue?
}

/// The `Encoder` handed to each value's `encode(to:)`.
private struct ValueEncoder: Encoder {
    let slot: EncodedSlot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        // Asking twice (a superclass and its subclass) fills the same object.
        if case .object(let object) = slot.value {
            return KeyedEncodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
        }
        let object = EncodedObject()
        slot.value = .object(object)
        return KeyedEncodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array(let array) = slot.value { return UnkeyedContainer(array: array, codingPath: codingPath) }
        let array = EncodedArray()
        slot.value = .array(array)
        return UnkeyedContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(slot: slot, codingPath: codingPath)
    }
}

/// The encoded form of one value: scalars directly, anything else through its `encode(to:)`.
private func encoded<T: Encodable>(_ value: T, at codingPath: [any CodingKey]) throws -> EncodedValue {
    switch value {
    case let text as String: return .string(text)
    case let flag as Bool: return .bool(flag)
    case let number as Int: return .integer(Int64(number))
    case let number as Int64: return .integer(number)
    case let number as Double: return try floating(number, number.description, value, codingPath)
    default:
        let slot = EncodedSlot()
        try value.encode(to: ValueEncoder(slot: slot, codingPath: codingPath))
        // A value that encodes nothing becomes `{}`, as in `JSONEncoder`.
        return slot.value ?? .object(EncodedObject())
    }
}

private func floating(_ number: Double, _ text: String, _ value: Any, _ codingPath: [any CodingKey]) throws
    -> EncodedValue
{
    guard number.isFinite else {
        throw EncodingError.invalidValue(
            value, .init(codingPath: codingPath, debugDescription: "\(text) is not a number JSON can hold"))
    }
    return .number(text)
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let object: EncodedObject
    let codingPath: [any CodingKey]

    private func put(_ value: EncodedValue, _ key: Key) { object.members[key.stringValue] = value }

    mutating func encodeNil(forKey key: Key) throws { put(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(.string(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        put(try floating(value, value.description, value, codingPath + [key]), key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        put(try floating(Double(value), value.description, value, codingPath + [key]), key)
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(.integer(Int64(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(.integer(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(.unsigned(UInt64(value)), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(.unsigned(UInt64(value)), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(.unsigned(UInt64(value)), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(.unsigned(UInt64(value)), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(.unsigned(value), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        put(try encoded(value, at: codingPath + [key]), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = EncodedObject()
        put(.object(nested), key)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = EncodedArray()
        put(.array(nested), key)
        return UnkeyedContainer(array: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let slot = EncodedSlot()
        object.members["super"] = .slot(slot)
        return ValueEncoder(slot: slot, codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let slot = EncodedSlot()
        put(.slot(slot), key)
        return ValueEncoder(slot: slot, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let array: EncodedArray
    let codingPath: [any CodingKey]
    var count: Int { array.items.count }

    private var nextPath: [any CodingKey] { codingPath + [JSONIndexKey(count)] }
    private func add(_ value: EncodedValue) { array.items.append(value) }

    mutating func encodeNil() throws { add(.null) }
    mutating func encode(_ value: Bool) throws { add(.bool(value)) }
    mutating func encode(_ value: String) throws { add(.string(value)) }
    mutating func encode(_ value: Double) throws { add(try floating(value, value.description, value, nextPath)) }
    mutating func encode(_ value: Float) throws {
        add(try floating(Double(value), value.description, value, nextPath))
    }
    mutating func encode(_ value: Int) throws { add(.integer(Int64(value))) }
    mutating func encode(_ value: Int8) throws { add(.integer(Int64(value))) }
    mutating func encode(_ value: Int16) throws { add(.integer(Int64(value))) }
    mutating func encode(_ value: Int32) throws { add(.integer(Int64(value))) }
    mutating func encode(_ value: Int64) throws { add(.integer(value)) }
    mutating func encode(_ value: UInt) throws { add(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { add(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { add(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { add(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { add(.unsigned(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { add(try encoded(value, at: nextPath)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = EncodedObject()
        let path = nextPath
        add(.object(nested))
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = EncodedArray()
        let path = nextPath
        add(.array(nested))
        return UnkeyedContainer(array: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let slot = EncodedSlot()
        let path = nextPath
        add(.slot(slot))
        return ValueEncoder(slot: slot, codingPath: path)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let slot: EncodedSlot
    let codingPath: [any CodingKey]

    private func set(_ value: EncodedValue) { slot.value = value }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(try floating(value, value.description, value, codingPath)) }
    mutating func encode(_ value: Float) throws {
        set(try floating(Double(value), value.description, value, codingPath))
    }
    mutating func encode(_ value: Int) throws { set(.integer(Int64(value))) }
    mutating func encode(_ value: Int8) throws { set(.integer(Int64(value))) }
    mutating func encode(_ value: Int16) throws { set(.integer(Int64(value))) }
    mutating func encode(_ value: Int32) throws { set(.integer(Int64(value))) }
    mutating func encode(_ value: Int64) throws { set(.integer(value)) }
    mutating func encode(_ value: UInt) throws { set(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt8) throws { set(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt16) throws { set(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt32) throws { set(.unsigned(UInt64(value))) }
    mutating func encode(_ value: UInt64) throws { set(.unsigned(value)) }
    mutating func encode<T: Encodable>(_ value: T) throws { set(try encoded(value, at: codingPath)) }
}
