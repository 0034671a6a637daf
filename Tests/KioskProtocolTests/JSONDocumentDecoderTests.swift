import Testing

@testable import KioskProtocol

/// `Codable` wire types read through `JSONDocument` (the one JSON reader).
@Suite struct JSONDocumentDecoderTests {
    private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDocumentDecoder().decode(type, from: Array(text.utf8))
    }

    @Test func readsAnUpdatesPage() throws {
        let page = try decode(
            UpdatesPage.self,
            #"""
            {"updates":[{"code":"YBVY01-261121-0001-K","status":"result-ready","note":"Đã có kết quả \ud83d\ude00",
            "at":"2026-11-21T09:15:02+07:00","documents":[{"name":"Bản sao","kind":"copy","count":2}]}],"next":"42"}
            """#)
        #expect(page.next == "42")
        #expect(page.updates.count == 1)
        #expect(page.updates[0].note == "Đã có kết quả 😀")
        #expect(page.updates[0].documents == [WireDocument(name: "Bản sao", kind: "copy", count: 2)])
        #expect(page.updates[0].dueDate == nil)
        #expect(try decode(UpdatesPage.self, #"{"updates":[],"next":null}"#) == UpdatesPage(updates: [], next: nil))
    }

    @Test func readsAnErrorBodyAndIgnoresOtherMembers() throws {
        #expect(try decode(ErrorBody.self, #"{"error":"clock-skew","extra":[1,{"a":null}]}"#).error == "clock-skew")
        #expect(throws: DecodingError.self) { try decode(ErrorBody.self, #"{"error":5}"#) }
        #expect(throws: DecodingError.self) { try decode(ErrorBody.self, #"{}"#) }
        #expect(throws: DecodingError.self) { try decode(ErrorBody.self, #"[]"#) }
    }

    @Test func refusesWhatIsNotStrictJSON() {
        for text in [#"{"error":"a",}"#, "{\"error\":\"\u{1}\"}", #"{"error":"a"} x"#, ""] {
            #expect(throws: JSONSyntaxError.self) { try decode(ErrorBody.self, text) }
        }
    }

    @Test func readsNumbersIntoTheTypeAsked() throws {
        #expect(try decode([Int].self, "[1,-2,0]") == [1, -2, 0])
        #expect(try decode([Double].self, "[1,2.5,-3e2]") == [1, 2.5, -300])
        #expect(try decode([Int?].self, "[1,null]") == [1, nil])
        #expect(throws: DecodingError.self) { try decode([Int].self, "[1.5]") }
        #expect(throws: DecodingError.self) { try decode([UInt8].self, "[256]") }
        #expect(throws: DecodingError.self) { try decode([Int].self, #"["1"]"#) }
        #expect(try decode([String: Bool].self, #"{"a":true,"b":false}"#) == ["a": true, "b": false])
    }

    /// A `UInt64` has its whole range (it used to be read through `Int64`: 2^64 − 1 was refused
    /// as not fitting); a number out of range, negative or not an integer is refused with an
    /// error naming the member, never wrapped.
    @Test func readsUInt64OverItsWholeRangeAndRefusesWhatDoesNotFit() throws {
        struct Counter: Decodable, Equatable { var bytes: UInt64 }
        #expect(try decode(Counter.self, #"{"bytes":18446744073709551615}"#) == Counter(bytes: .max))
        #expect(try decode(Counter.self, #"{"bytes":9223372036854775808}"#) == Counter(bytes: 1 << 63))
        #expect(try decode(Counter.self, #"{"bytes":0}"#) == Counter(bytes: 0))
        #expect(try decode([UInt64].self, "[18446744073709551615,-0]") == [.max, 0])
        #expect(try decode([Int64].self, "[-9223372036854775808]") == [.min])
        for refused in ["-1", "18446744073709551616", "1e3", "1.0", "-18446744073709551615"] {
            do {
                _ = try decode(Counter.self, #"{"bytes":\#(refused)}"#)
                Issue.record("\(refused) was read into a UInt64")
            } catch DecodingError.dataCorrupted(let context) {
                #expect(context.codingPath.map(\.stringValue) == ["bytes"])
                #expect(context.debugDescription.hasPrefix(#"member "bytes" is not an integer that fits in UInt64"#))
                #expect(!context.debugDescription.contains(refused))
            }
        }
        #expect(throws: DecodingError.self) { try decode([Int64].self, "[9223372036854775808]") }
    }

    @Test func healthDataCarriesTheDomainTime() throws {
        let text =
            #"{"backlog":2,"deadLetters":0,"oldestPendingAt":"2026-11-21T09:15:02+07:00","printer":"ok","#
            + #""scanner":"ok","version":"1.2.0"}"#
        let health = try decode(KioskHealthData.self, text)
        #expect(health.oldestPendingAt?.unixSeconds == 1_795_227_302)
        #expect(health.oldestPendingAt?.description == "2026-11-21T09:15:02+07:00")
        let badTime =
            #"{"backlog":2,"deadLetters":0,"oldestPendingAt":"yesterday","printer":"ok","#
            + #""scanner":"ok","version":"1.2.0"}"#
        #expect(throws: DecodingError.self) { try decode(KioskHealthData.self, badTime) }
    }
}
