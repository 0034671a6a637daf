import Foundation
import KioskProtocol
import Testing

@Suite struct JSONWriterTests {
    private func string(_ text: String) -> String {
        var writer = JSONWriter()
        writer.value(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Foundation's writer, as the kiosk used it before: the reference for every byte.
    private func foundation(_ text: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(text), as: UTF8.self)
    }

    @Test func escapesQuotesBackslashesAndControls() {
        #expect(string(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(string("l1\nl2\r\t\u{08}\u{0C}") == #""l1\nl2\r\t\b\f""#)
        #expect(string("\u{00}\u{01}\u{1F}") == #""\u0000\u0001\u001f""#)
        #expect(string("/") == #""/""#)
    }

    @Test func escapesEveryControlCharacterAsJSONEncoderDoes() throws {
        for value in 0..<0x20 {
            let text = "a" + String(UnicodeScalar(UInt8(value))) + "b"
            #expect(string(text) == (try foundation(text)), "U+\(String(value, radix: 16))")
        }
        #expect(string("\u{0B}") == #""\u000b""#)
    }

    @Test func findsEveryByteToEscapeAtEveryOffsetOfALongString() throws {
        // The scan reads eight bytes at a time: put each byte that needs escaping at every
        // offset of the first words, among ASCII and multi-byte letters that must not match.
        let specials = (0..<0x20).map { Character(UnicodeScalar(UInt8($0))) } + ["\"", "\\"]
        for special in specials {
            for offset in 0..<20 {
                let text = String(repeating: "a", count: offset) + String(special) + "ươ\u{7F}é😀 Hà Nội \u{A0}" + "xyz/"
                #expect(string(text) == (try foundation(text)), "\(special.unicodeScalars.first!.value) at \(offset)")
                let twice = "\u{1F}" + text + text
                #expect(string(twice) == (try foundation(twice)))
            }
        }
        let plain = String(repeating: "Trần Thị Bích Ngọc ", count: 20)
        #expect(string(plain) == "\"" + plain + "\"")
    }

    @Test func vietnameseAndAstralScalarsArePlainUTF8() throws {
        #expect(string("Nguyễn Bá Hoàng") == "\"Nguyễn Bá Hoàng\"")
        let text = "Cấp Phiếu lý lịch tư pháp 😀 \u{10FFFF} \u{7F} \u{2028} \u{85}"
        var writer = JSONWriter()
        writer.value(text)
        #expect(writer.bytes == [UInt8(ascii: "\"")] + Array(text.utf8) + [UInt8(ascii: "\"")])
        #expect(string(text) == (try foundation(text)))
    }

    @Test(arguments: [
        "", "plain", "Cấp Phiếu lý lịch tư pháp", "\"\\\u{00}\u{7F}\u{2028}😀", "tab\there\nnew", "a/b",
        "\u{1F}\u{10FFFF}",
    ])
    func readsBackToTheSameString(text: String) throws {
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(string(text))]".utf8)) as? [String]
        #expect(parsed == [text])
        let document = try JSONDocument(parsing: Array(string(text).utf8))
        #expect(document.root.string == text)
    }

    @Test func writesIntegersInDecimal() throws {
        let numbers: [Int64] = [0, 7, 9, 10, -1, -10, 1_000_000, Int64.max, Int64.min, Int64.min + 1]
        var writer = JSONWriter()
        writer.array { writer in
            for number in numbers { writer.value(number) }
            writer.value(UInt64.max)
            writer.value(Int(-42))
        }
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text == "[" + numbers.map(String.init).joined(separator: ",") + ",18446744073709551615,-42]")
        let elements = try JSONDocument(parsing: writer.bytes).root.elements
        #expect(elements.prefix(numbers.count).map(\.int64) == numbers)
    }

    @Test func writesDoublesAsJSONEncoderDoes() throws {
        let numbers: [Double] = [
            0, 2, -2, 0.1, 100, 1e15, 1e16, 1e20, -3.5e-7, 123_456_789.123, 0.000_1, Double.leastNonzeroMagnitude,
        ]
        var writer = JSONWriter()
        writer.array { writer in
            for number in numbers { writer.value(number) }
        }
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == String(decoding: try JSONEncoder().encode(numbers), as: UTF8.self))
        let read = try JSONDocumentDecoder().decode([Double].self, from: writer.bytes)
        #expect(read == numbers)
    }

    @Test func writesNonFiniteNumbersAsNull() {
        var writer = JSONWriter()
        writer.array { writer in
            writer.value(Double.nan)
            writer.value(-Double.infinity)
        }
        #expect(writer.bytes == Array("[null,null]".utf8))
    }

    @Test func writesMembersInTheOrderGivenWithCommasAndColons() throws {
        var writer = JSONWriter()
        writer.object { writer in
            writer.key("z")
            writer.value(true)
            writer.key("a\"key")
            writer.array { writer in
                writer.null()
                writer.object { _ in }
                writer.array { _ in }
                writer.object { writer in
                    writer.key("b")
                    writer.value(false)
                }
            }
            writer.key("raw")
            writer.rawValue(Array(#"{"y" : 1, "x":[2]}"#.utf8))
            writer.key("empty")
            writer.rawValue([])
        }
        let text = String(decoding: writer.bytes, as: UTF8.self)
        #expect(text == #"{"z":true,"a\"key":[null,{},[],{"b":false}],"raw":{"y" : 1, "x":[2]},"empty":null}"#)
        let root = try JSONDocument(parsing: writer.bytes).root
        #expect(root.members.map(\.key) == ["z", "a\"key", "raw", "empty"])
        #expect(root["raw"]?.rawBytes.elementsEqual(#"{"y" : 1, "x":[2]}"#.utf8) == true)
    }

    @Test func prettyPrintsAsJSONEncoderDoesAndKeepsEmptyContainersOnOneLine() throws {
        var writer = JSONWriter(prettyPrinted: true)
        writer.object { writer in
            writer.key("a")
            writer.array { writer in
                writer.value(1)
                writer.object { writer in
                    writer.key("b")
                    writer.value("Hà Nội")
                }
            }
            writer.key("c")
            writer.object { _ in }
            writer.key("d")
            writer.array { _ in }
        }
        let expected = """
            {
              "a" : [
                1,
                {
                  "b" : "Hà Nội"
                }
              ],
              "c" : {},
              "d" : []
            }
            """
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
        _ = try JSONDocument(parsing: writer.bytes)
    }

    @Test func writesTopLevelScalars() {
        var writer = JSONWriter(prettyPrinted: true)
        writer.value("x")
        #expect(writer.bytes == Array(#""x""#.utf8))
    }
    @Test(
        "member(name, value) writes what key(name) then value(value) writes, for every value type, compact and pretty")
    func membersAreKeyThenValue() {
        for pretty in [false, true] {
            var members = JSONWriter(prettyPrinted: pretty)
            var pairs = JSONWriter(prettyPrinted: pretty)
            members.object { writer in
                writer.member("text", "Nguyễn \"Bá\"")
                writer.member("int", -42)
                writer.member("int64", Int64.min)
                writer.member("uint64", UInt64.max)
                writer.member("double", 0.1)
                writer.member("flag", true)
            }
            pairs.object { writer in
                writer.key("text")
                writer.value("Nguyễn \"Bá\"")
                writer.key("int")
                writer.value(-42)
                writer.key("int64")
                writer.value(Int64.min)
                writer.key("uint64")
                writer.value(UInt64.max)
                writer.key("double")
                writer.value(0.1)
                writer.key("flag")
                writer.value(true)
            }
            #expect(members.bytes == pairs.bytes)
        }
    }
}
