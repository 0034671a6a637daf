import Testing

@testable import KioskControl

@Suite("Control socket JSON reader")
struct ControlJSONReaderTests {
    private func parse(_ text: String) throws -> ControlValue { try ControlValue.parse(Array(text.utf8)) }

    @Test func readsObjectsArraysAndScalars() throws {
        let value = try parse(#" { "a" : [1, -2, 0, true, false, null, "x"], "b": {"c": {}}, "d": [] } "#)
        #expect(
            value
                == .object([
                    "a": .array([.int(1), .int(-2), .int(0), .bool(true), .bool(false), .null, .string("x")]),
                    "b": .object(["c": .object([:])]), "d": .array([]),
                ]))
    }

    @Test func readsEveryEscapeAndSurrogatePairs() throws {
        let value = try parse(#""\"\\\/\b\f\n\r\t\u0041\u00e9\u1EA1\ud83d\ude00""#)
        #expect(value == .string("\"\\/\u{8}\u{C}\n\r\tAé\u{1EA1}😀"))
        #expect(try parse("\"Nguyễn Văn A\"") == .string("Nguyễn Văn A"))
    }

    @Test func roundTripsWhatTheServerWrites() throws {
        let value = ControlValue.object([
            "s": .string("tab\t \u{1} \u{7F} \u{2028} \"q\" ư"), "n": .int(Int64.min), "m": .int(Int64.max),
            "a": .array([.null, .bool(true)]),
        ])
        #expect(try parse(value.json) == value)
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "-", "1.5", "1e3", "-0.0", "tru", "nul",
        "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"a\nb\"",
        "{\"a\":1,\"a\":2}",
        "9223372036854775808", "-9223372036854775809", "1 2", "[1] x", "'a'",
    ])
    func refusesInvalidJSON(_ text: String) {
        #expect(throws: ControlJSONError.self) { try parse(text) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: ControlJSONError.self) { try ControlValue.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: ControlJSONError.self) { try ControlValue.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test func limitsNesting() throws {
        let ok =
            String(repeating: "[", count: ControlValue.maximumNesting)
            + String(repeating: "]", count: ControlValue.maximumNesting)
        _ = try parse(ok)
        let deep = String(repeating: "[", count: 100_000)
        #expect(throws: ControlJSONError.self) { try parse(deep) }
        let deepObjects = String(repeating: "{\"a\":", count: 10_000)
        #expect(throws: ControlJSONError.self) { try parse(deepObjects) }
    }

    @Test func errorTextNamesTheOffsetNotTheContent() {
        do {
            _ = try parse("{\"idCard\":\"012345678901|secret\" x}")
            Issue.record("parsed")
        } catch let error as ControlJSONError {
            #expect(error.offset == 32)
            #expect(!error.description.contains("012345678901"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite("Control requests")
struct ControlRequestTests {
    private func decode(_ text: String) throws -> ControlRequest {
        try ControlRequest.decode(try ControlValue.parse(Array(text.utf8)))
    }

    @Test func decodesEveryRequest() throws {
        #expect(try decode(#"{"request":"status"}"#) == .status)
        #expect(try decode(#"{"request":"queue"}"#) == .queue(limit: 20))
        #expect(try decode(#"{"request":"queue","limit":5}"#) == .queue(limit: 5))
        #expect(try decode(#"{"request":"requeue","id":"e1"}"#) == .requeue(id: "e1", all: false))
        #expect(try decode(#"{"request":"requeue","all":true}"#) == .requeue(id: nil, all: true))
        #expect(try decode(#"{"request":"requeue","all":true,"id":"echo"}"#) == .requeue(id: nil, all: true))
        #expect(try decode(#"{"request":"requeue","event":"e2","id":7}"#) == .requeue(id: "e2", all: false))
        #expect(try decode(#"{"request":"test-print"}"#) == .testPrint)
        #expect(try decode(#"{"request":"reprint","code":"K1"}"#) == .reprint(code: "K1"))
        #expect(try decode(#"{"request":"lookup","code":"K1"}"#) == .lookup(code: "K1", print: false))
        #expect(try decode(#"{"request":"lookup","code":"K1","print":true}"#) == .lookup(code: "K1", print: true))
        #expect(
            try decode(#"{"request":"intake","idCard":"q","procedure":"1.001234"}"#)
                == .intake(idCardQR: "q", procedureCode: "1.001234"))
        #expect(try decode(#"{"request":"scan","text":"KIOSK:CANCEL"}"#) == .scan(text: "KIOSK:CANCEL"))
        #expect(try decode(#"{"request":"subscribe","extra":1}"#) == .subscribe)
    }

    @Test(arguments: [
        #"[]"#, #"{}"#, #"{"request":1}"#, #"{"request":"queue","limit":0}"#, #"{"request":"queue","limit":"5"}"#,
        #"{"request":"queue","limit":1001}"#, #"{"request":"requeue"}"#,
        #"{"request":"requeue","event":"a","all":true}"#, #"{"request":"requeue","id":7}"#,
        #"{"request":"requeue","all":"yes"}"#, #"{"request":"reprint"}"#, #"{"request":"reprint","code":""}"#,
        #"{"request":"lookup","code":"K","print":1}"#, #"{"request":"intake","idCard":"q"}"#,
        #"{"request":"scan","text":5}"#,
    ])
    func refusesBadArguments(_ text: String) {
        #expect(throws: ControlRequestError.self) { try decode(text) }
        do { _ = try decode(text) } catch let error as ControlRequestError {
            #expect(error.code == "bad-request")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func unknownRequestListsTheKnownOnes() {
        do {
            _ = try decode(#"{"request":"reboot"}"#)
            Issue.record("decoded")
        } catch let error as ControlRequestError {
            #expect(error.code == "unknown-request")
            #expect(error.answer["known"] == .array(ControlRequest.names.map { .string($0) }))
            #expect(error.message.contains("reboot"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
