import KioskControl
import KioskProtocol
import Testing

@Suite("Control socket JSON writer")
struct ControlJSONWriterTests {
    @Test func writesCompactTextWithSortedKeys() throws {
        let value = ControlValue.object([
            "printer": .object(["status": .string("paper-out"), "ready": .bool(false)]),
            "backlog": .int(-3), "ok": .bool(true), "last": .null,
            "items": .array([.string("Nguyễn Văn A\n\"x\"\\"), .int(Int64.max), .array([])]),
        ])
        #expect(
            value.json
                == #"{"backlog":-3,"items":["Nguyễn Văn A\n\"x\"\\",9223372036854775807,[]],"last":null,"ok":true,"printer":{"ready":false,"status":"paper-out"}}"#
        )
        #expect(try ControlValue.parse(Array(value.json.utf8)) == value)
    }

    @Test func writesEveryControlCharacterEscapedSoALineStaysOneLine() throws {
        let text = String((0..<0x20).map { Character(UnicodeScalar(UInt8($0))) }) + "\u{7F}\u{2028}😀"
        let json = ControlValue.string(text).json
        #expect(!json.utf8.contains { $0 < 0x20 })
        #expect(try ControlValue.parse(Array(json.utf8)) == .string(text))
    }

    @Test func isTheSameTextAsTheOneEncoderWrites() throws {
        let value = ControlValue.error("busy", "máy in hết giấy")
        #expect(value.json == (try JSONDocumentEncoder().encodeToString(value)))
        #expect(
            try JSONDocumentEncoder(prettyPrinted: true).encodeToString(value)
                == "{\n  \"error\" : \"busy\",\n  \"message\" : \"máy in hết giấy\",\n  \"ok\" : false\n}")
    }
}
