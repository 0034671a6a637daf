import Foundation
import KioskProtocol
import KioskTestSupport
import Testing

@Suite struct JSONDocumentTests {
    private func parse(_ text: String) throws -> JSONElement {
        try JSONDocument(parsing: Array(text.utf8)).root
    }

    private func refuses(_ bytes: [UInt8]) -> Bool {
        (try? JSONDocument(parsing: bytes)) == nil
    }

    @Test func readsScalarsOfEveryKind() throws {
        #expect(try parse("\"abc\"").string == "abc")
        #expect(try parse("42").int64 == 42)
        #expect(try parse("-0").int64 == 0)
        #expect(try parse("-9223372036854775808").int64 == Int64.min)
        #expect(try parse("9223372036854775808").int64 == nil)  // above Int64.max: a number, not an Int64
        #expect(try parse("9223372036854775808").kind == .number)
        #expect(try parse("1.5").int64 == nil)
        #expect(try parse("1e3").int64 == nil)
        #expect(try parse("1E+3").kind == .number)
        #expect(try parse("-0.25e-7").kind == .number)
        #expect(try parse("true").bool == true)
        #expect(try parse("false").bool == false)
        #expect(try parse("null").isNull)
        #expect(try parse("\"\"").isEmptyString)
        #expect(try parse("\"x\"").isEmptyString == false)
        #expect(try parse("7").string == nil)
        #expect(try parse("\"7\"").int64 == nil)
    }

    @Test func readsNestedContainersWithWhitespaceAndUnknownFields() throws {
        let root = try parse(
            " \r\n\t{ \"a\" : [ 1 , { \"b\" : { \"c\" : [ ] , \"d\" : { } } } , \"x\" ] ,\n \"unknown\" : [[[null]]] , \"e\":true } \n"
        )
        #expect(root.kind == .object)
        #expect(root.count == 3)
        #expect(root.members.map(\.key) == ["a", "unknown", "e"])
        let a = try #require(root["a"])
        #expect(a.kind == .array)
        #expect(a.elements.map(\.kind) == [.number, .object, .string])
        #expect(a.elements[1]["b"]?["c"]?.count == 0)
        #expect(a.elements[1]["b"]?["d"]?.kind == .object)
        #expect(a.elements[2].string == "x")
        #expect(root["e"]?.bool == true)
        #expect(root["missing"] == nil)
        #expect(a["a"] == nil)  // not an object
        #expect(root.elements.isEmpty)  // not an array
    }

    @Test func rawBytesAreTheValueExactlyAsWritten() throws {
        let text = #"{"data": {"b" : "\u00e9\n", "a":[1, 2.50]} , "z":1}"#
        let root = try parse(text)
        let data = try #require(root["data"])
        #expect(String(decoding: data.rawBytes, as: UTF8.self) == #"{"b" : "\u00e9\n", "a":[1, 2.50]}"#)
        #expect(String(decoding: try #require(data["a"]).elements[1].rawBytes, as: UTF8.self) == "2.50")
        #expect(String(decoding: try #require(data["b"]).rawBytes, as: UTF8.self) == #""\u00e9\n""#)
    }

    @Test func unescapesEveryEscapeAndUnicodeEscape() throws {
        let root = try parse(
            #"["\"\\\/\b\f\n\r\t", "\u0041\u00e9\u1EA1\uD83D\uDE00\u0000", "Nguyễn Bá Hoàng 😀", "a\u002Fb"]"#)
        let strings = root.elements.map(\.string)
        #expect(strings[0] == "\"\\/\u{08}\u{0C}\n\r\t")
        #expect(strings[1] == "Aéạ😀\u{0}")
        #expect(strings[2] == "Nguyễn Bá Hoàng 😀")
        #expect(strings[3] == "a/b")
    }

    @Test func keysAreComparedUnescapedAndTheLastRepeatWins() throws {
        let root = try parse(#"{"id":"first","\u0069d":"second","k\"ey":1,"caf\u00e9":2}"#)
        #expect(root["id"]?.string == "second")
        #expect(root["k\"ey"]?.int64 == 1)
        #expect(root["café"]?.int64 == 2)
        #expect(root.members.map(\.key) == ["id", "id", "k\"ey", "café"])
    }

    @Test func refusesMalformedText() {
        let bad = [
            "", " ", "{", "}", "[", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{'a':1}", "[1 2]", "01", "-",
            "1.", ".5", "1e", "1e+", "+1", "--1", "0x10", "tru", "truex", "nul", "NaN", "Infinity", "\"abc", "\"\\x\"",
            "\"\\u12\"", "\"\\u12G4\"", "\"\\uD800\"", "\"\\uDC00\"", "\"\\uD800\\u0041\"", "\"\\uD800x\"", "\"a\tb\"",
            "\"a\nb\"", "[1]x", "[1] [2]", "{\"a\":1}}", "// c\n1", "/* c */1", "[1,2", "{\"a\":", "\u{FEFF}1",
        ]
        for text in bad {
            #expect(refuses(Array(text.utf8)), "\(text.debugDescription)")
        }
    }

    @Test func refusesInvalidUTF8InStrings() {
        let cases: [[UInt8]] = [
            [0x22, 0x80, 0x22],  // lone continuation byte
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xC3, 0x22],  // truncated sequence
            [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong three-byte form
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-16 surrogate encoded in UTF-8
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],
            [0x22, 0xFF, 0x22],
            [0xC3, 0xA9],  // non-ASCII outside a string
        ]
        for bytes in cases { #expect(refuses(bytes), "\(bytes)") }
        // The longest valid forms pass.
        #expect(!refuses([0x22, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]))
        #expect(!refuses([0x22, 0xEF, 0xBF, 0xBF, 0x22]))
        #expect(!refuses([0x22, 0xED, 0x9F, 0xBF, 0x22]))
    }

    @Test func errorsGiveTheOffsetButNotTheText() {
        do {
            _ = try JSONDocument(parsing: Array(#"{"name":"Nguyễn" "x"}"#.utf8))
            Issue.record("accepted a missing comma")
        } catch {
            #expect(error.offset == 19)
            #expect(!error.description.contains("Nguy"))
            #expect(error.description.hasPrefix("invalid JSON at byte 19"))
        }
    }

    @Test func deepNestingIsRefusedNotRecursedInto() {
        let deep =
            String(repeating: "[", count: JSONDocument.maxDepth + 1)
            + String(repeating: "]", count: JSONDocument.maxDepth + 1)
        #expect(refuses(Array(deep.utf8)))
        let fine =
            String(repeating: "[", count: JSONDocument.maxDepth) + String(repeating: "]", count: JSONDocument.maxDepth)
        #expect(!refuses(Array(fine.utf8)))
        let huge = String(repeating: "{\"a\":", count: 100_000)
        #expect(refuses(Array(huge.utf8)))
    }

    // MARK: - Against JSONSerialization

    /// Our tree as JSONSerialization-like values, for comparing the two readers.
    private func plain(_ element: JSONElement) -> AnyHashable {
        switch element.kind {
        case .object:
            var dictionary: [String: AnyHashable] = [:]
            for (key, value) in element.members { dictionary[key] = plain(value) }
            return dictionary
        case .array: return element.elements.map(plain)
        case .string: return element.string ?? ""
        case .number:
            return element.int64.map { AnyHashable("int:\($0)") }
                ?? AnyHashable("num:\(Double(String(decoding: element.rawBytes, as: UTF8.self)) ?? .nan)")
        case .bool: return element.bool ?? false
        case .null: return "null"
        }
    }

    private func plain(foundation value: Any) -> AnyHashable {
        switch value {
        case let dictionary as [String: Any]: return dictionary.mapValues { plain(foundation: $0) }
        case let array as [Any]: return array.map { plain(foundation: $0) }
        case let string as String: return string
        case is NSNull: return "null"
        case let number as NSNumber:
            let type = String(cString: number.objCType)
            if type == "c" { return number.boolValue }
            if ["i", "q", "l", "s"].contains(type) { return "int:\(number.int64Value)" }
            return "num:\(number.doubleValue)"
        default: return "?"
        }
    }

    static let sampleBatch = Array(
        #"""
        {"kiosk":"YB-VANYEN-01","sentAt":"2026-11-21T09:15:03+07:00","events":[
         {"id":"6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c11","seq":42,"type":"dossier.received",
          "occurredAt":"2026-11-21T09:15:02+07:00","data":{"code":"YBVY01-261121-0007-K",
          "procedure":{"code":"1.001234","name":"C\u1ea5p Phi\u1ebfu l\u00fd l\u1ecbch t\u01b0 ph\u00e1p"},
          "applicant":{"idNumber":"001094012345","name":"Nguyễn Bá \"Hoàng\"","birthDate":"1995-03-14",
          "gender":"Nam","address":"Thôn 3\\4, xã Mậu A\n\thuyện Văn Yên"},"receivedAt":"2026-11-21T09:15:02+07:00",
          "dueDate":"2026-11-28","fee":{"amount":200000,"currency":"VND"},"delivery":{"method":"post","address":"x"},
          "office":"Bưu điện 😀","extra":[true,false,null,-1.5e-3,0,{}]}},
         {"id":"7a1c1b2e","seq":43,"type":"kiosk.health","occurredAt":"t","data":{"backlog":12,"deadLetters":0}}]}
        """#.utf8)

    @Test func agreesWithJSONSerializationOnTheSampleBatch() throws {
        let ours = plain(try JSONDocument(parsing: Self.sampleBatch).root)
        let theirs = plain(foundation: try JSONSerialization.jsonObject(with: Data(Self.sampleBatch)))
        #expect(ours == theirs)
    }

    /// Random mutations of a valid batch (byte flips, deletions, insertions of JSON's
    /// special characters, truncations): the reader never crashes, and whatever it accepts,
    /// JSONSerialization reads to the same values.
    @Test func fuzzedMutationsNeverCrashAndAcceptedTextsAgreeWithJSONSerialization() throws {
        var random = SplitMix64(seed: 0x4B10_5C0F_FEE5_2026)
        let specials: [UInt8] =
            Array("{}[]\":,\\/-+.0123456789eEtrufalsn \t\n\r\u{00}\u{1F}".utf8) + [0x80, 0xC3, 0xA9, 0xED, 0xF0, 0xFF]
        var accepted = 0
        for round in 0..<3000 {
            var bytes = Self.sampleBatch
            for _ in 0...Int(random.next() % 4) {
                guard !bytes.isEmpty else { break }
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 5 {
                case 0: bytes[at] = specials[Int(random.next() % UInt64(specials.count))]
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(specials[Int(random.next() % UInt64(specials.count))], at: at)
                case 3: bytes[at] = UInt8(truncatingIfNeeded: random.next())
                default: bytes.removeLast(min(bytes.count, Int(random.next() % 64)))
                }
            }
            guard let document = try? JSONDocument(parsing: bytes) else { continue }
            accepted += 1
            let theirs = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            let foundation = try #require(theirs, "round \(round): accepted what JSONSerialization refuses")
            #expect(plain(document.root) == plain(foundation: foundation), "round \(round)")
            // Every value's raw bytes parse on their own to the same value.
            if let data = document.root["events"]?.elements.first?["data"] {
                let alone = try JSONDocument(parsing: Array(data.rawBytes))
                #expect(plain(alone.root) == plain(data))
            }
        }
        // Many mutations (inside strings, a digit for a digit) leave valid JSON.
        #expect(accepted > 100)
    }
}
