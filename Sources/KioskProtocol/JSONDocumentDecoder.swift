/// Decodes `Decodable` values from JSON read by ``JSONDocument``: the one JSON reader of the
/// code base, behind the hand-written readers of the hot paths (``BatchResultsJSON``) and
/// every `Codable` wire type alike (an error body, an updates page, a fault order), so that
/// every JSON text the kiosk, the receiver and kioskctl read meets the same strict rules.
///
/// Numbers decode into a Swift integer type only when the literal is an integer that fits;
/// into `Double`/`Float` from any number. An absent key and `null` both read as nil for an
/// optional. Errors are `DecodingError`s with the coding path, or ``JSONSyntaxError`` when
/// the text is not JSON; neither quotes the text.
public struct JSONDocumentDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Reads `bytes` as one JSON value and decodes a `T` from it.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        let document = try JSONDocument(parsing: bytes)
        return try decode(type, from: document.root)
    }

    /// Decodes a `T` from a value of a document already read.
    public func decode<T: Decodable>(_ type: T.Type, from element: JSONElement) throws -> T {
        try T(from: JSONElementDecoder(element: element, codingPath: []))
    }
}

/// The `Decoder` over one ``JSONElement``.
struct JSONElementDecoder: Decoder {
    let element: JSONElement
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard element.kind == .object else { throw mismatch([String: Int].self, "an object", element, codingPath) }
        return KeyedDecodingContainer(JSONKeyedContainer<Key>(element: element, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard element.kind == .array else { throw mismatch([Int].self, "an array", element, codingPath) }
        return JSONUnkeyedContainer(elements: element.elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        JSONSingleValueContainer(element: element, codingPath: codingPath)
    }
}

/// A type mismatch naming what was expected and what kind of value was found (never the value).
private func mismatch(_ type: Any.Type, _ expected: String, _ element: JSONElement, _ path: [any CodingKey])
    -> DecodingError
{
    DecodingError.typeMismatch(
        type, .init(codingPath: path, debugDescription: "expected \(expected), found \(element.kind)"))
}

private struct JSONKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let codingPath: [any CodingKey]
    /// Members by key; the last one wins when a key repeats (as ``JSONElement`` reads them).
    private let members: [String: JSONElement]

    init(element: JSONElement, codingPath: [any CodingKey]) {
        var members: [String: JSONElement] = [:]
        for (key, value) in element.members { members[key] = value }
        self.members = members
        self.codingPath = codingPath
    }

    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func member(_ key: Key) throws -> JSONElement {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "no member \"\(key.stringValue)\""))
        }
        return value
    }

    func decodeNil(forKey key: Key) throws -> Bool { try member(key).isNull }

    private func decode<T: Decodable>(_ type: T.Type, at key: Key) throws -> T {
        try T(from: JSONElementDecoder(element: try member(key), codingPath: codingPath + [key]))
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decode(type, at: key) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decode(type, at: key) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decode(type, at: key) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decode(type, at: key) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decode(type, at: key) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decode(type, at: key) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decode(type, at: key) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decode(type, at: key) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decode(type, at: key) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decode(type, at: key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decode(type, at: key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decode(type, at: key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decode(type, at: key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decode(type, at: key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decode(type, at: key) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try JSONElementDecoder(element: try member(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try JSONElementDecoder(element: try member(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "no super decoder"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        JSONElementDecoder(element: try member(key), codingPath: codingPath + [key])
    }
}

private struct JSONUnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONElement]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(elements: [JSONElement], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> (JSONElement, [any CodingKey]) {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Any.self, .init(codingPath: codingPath, debugDescription: "the array has no more elements"))
        }
        defer { currentIndex += 1 }
        return (elements[currentIndex], codingPath + [JSONIndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex].isNull else { return false }
        currentIndex += 1
        return true
    }

    private mutating func decodeNext<T: Decodable>(_ type: T.Type) throws -> T {
        let (element, path) = try next()
        return try T(from: JSONElementDecoder(element: element, codingPath: path))
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try decodeNext(type) }
    mutating func decode(_ type: String.Type) throws -> String { try decodeNext(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try decodeNext(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try decodeNext(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try decodeNext(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try decodeNext(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try decodeNext(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try decodeNext(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try decodeNext(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try decodeNext(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeNext(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeNext(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeNext(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeNext(type) }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeNext(type) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        let (element, path) = try next()
        return try JSONElementDecoder(element: element, codingPath: path).container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let (element, path) = try next()
        return try JSONElementDecoder(element: element, codingPath: path).unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        let (element, path) = try next()
        return JSONElementDecoder(element: element, codingPath: path)
    }
}

private struct JSONSingleValueContainer: SingleValueDecodingContainer {
    let element: JSONElement
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { element.isNull }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let value = element.bool else { throw mismatch(type, "true or false", element, codingPath) }
        return value
    }

    func decode(_ type: String.Type) throws -> String {
        guard let value = element.string else { throw mismatch(type, "a string", element, codingPath) }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard element.kind == .number, let value = Double(String(decoding: element.rawBytes, as: UTF8.self)) else {
            throw mismatch(type, "a number", element, codingPath)
        }
        return value
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard element.kind == .number else { throw mismatch(type, "an integer", element, codingPath) }
        guard let value = element.integer(type) else {
            // Named by its key (or index), never quoted: the value may be anything.
            let place = codingPath.last.map { $0.intValue.map { "index \($0)" } ?? "member \"\($0.stringValue)\"" }
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: codingPath,
                    debugDescription: "\(place ?? "the value") is not an integer that fits in \(type) "
                        + "(\(T.min)...\(T.max))"))
        }
        return value
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: JSONElementDecoder(element: element, codingPath: codingPath))
    }
}
