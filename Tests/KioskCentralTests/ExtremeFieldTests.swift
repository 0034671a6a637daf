import Foundation
import KioskProtocol
import Testing

@testable import KioskCentral

/// Every field the receiver reads off the wire, at its extremes, from a kiosk whose key is
/// valid: the receiver answers each one and keeps serving the next request. Before checked
/// arithmetic, `ts=-9223372036854775808` trapped in the clock-skew check (SIGILL) and stopped
/// the receiver for every kiosk.
@Suite struct ExtremeFieldTests {
    /// A request signed with the real key at an arbitrary `ts`.
    private func signed(
        _ receiver: TestReceiver, _ method: String, _ target: String, body: [UInt8] = [], ts: Int64
    ) -> String {
        receiver.signer.authorization(
            method: method, pathAndQuery: target, body: body, unixTime: ts, nonce: RequestSigner.randomNonce())
    }

    private func expectStillServing(_ receiver: TestReceiver, sourceLocation: SourceLocation = #_sourceLocation) throws
    {
        let health = try #require(
            try receiver.client().request("GET", "/v1/health").response, sourceLocation: sourceLocation)
        #expect(health.status == 200, sourceLocation: sourceLocation)
    }

    @Test(arguments: [Int64.min, Int64.min + 1, Int64.max, Int64.max - 1, -1, 0])
    func timestampAtItsExtremesIsAClockSkew(ts: Int64) throws {
        let receiver = try TestReceiver()
        let body = EventBatchBody.encode(kiosk: TestReceiver.kiosk, sentAt: "s", events: [Sample.event(seq: 1)])
        let outcome = try receiver.client().request(
            "POST", "/v1/events",
            headers: [("Authorization", signed(receiver, "POST", "/v1/events", body: body, ts: ts))],
            body: body)
        let response = try #require(outcome.response)
        #expect(response.status == 401)
        #expect(response.json()?["error"] as? String == "clock-skew")
        let target = "/v1/kiosks/\(TestReceiver.kiosk)/updates?after=0"
        let updates = try receiver.client().request(
            "GET", target, headers: [("Authorization", signed(receiver, "GET", target, ts: ts))])
        #expect(updates.response?.status == 401)
        try expectStillServing(receiver)
    }

    @Test func skewCheckIsExactAtItsEdges() {
        #expect(RequestAuthentication.withinSkew(Int64.min, of: 0, maxSkew: 300) == false)
        #expect(RequestAuthentication.withinSkew(Int64.max, of: -1, maxSkew: 300) == false)
        #expect(RequestAuthentication.withinSkew(Int64.min, of: Int64.min, maxSkew: 0))
        #expect(RequestAuthentication.withinSkew(1000, of: 1300, maxSkew: 300))
        #expect(RequestAuthentication.withinSkew(1000, of: 1301, maxSkew: 300) == false)
        #expect(RequestAuthentication.withinSkew(0, of: 0, maxSkew: Int64.max))
        #expect(RequestAuthentication.withinSkew(Int64.max, of: Int64.min, maxSkew: Int64.max) == false)
    }

    @Test(arguments: [
        "9223372036854775807", "9223372036854775808", "99999999999999999999999999", "-9223372036854775808", "-1",
        "+1", "0x10", "",
    ])
    func updatesCursorAtItsExtremes(cursor: String) throws {
        let receiver = try TestReceiver()
        let target = "/v1/kiosks/\(TestReceiver.kiosk)/updates?after=\(cursor)"
        let outcome = try receiver.client().request(
            "GET", target, headers: [("Authorization", receiver.authorization("GET", target, body: []))])
        let response = try #require(outcome.response)
        #expect(response.status == 200 || response.status == 400)
        try expectStillServing(receiver)
    }

    @Test(arguments: [Int64.max, Int64.max - 1, 1])
    func sequenceNumberAtItsExtremes(seq: Int64) throws {
        let receiver = try TestReceiver()
        let outcome = try receiver.post([Sample.event(seq: seq)])
        let response = try #require(outcome.response)
        #expect(response.status == 200)
        #expect(try receiver.server.storedEvents(kiosk: nil).map(\.seq) == [seq])
        try expectStillServing(receiver)
    }

    @Test func sequenceNumberBeyondInt64IsRejectedPerEvent() throws {
        let receiver = try TestReceiver()
        var body = EventBatchBody.encode(
            kiosk: TestReceiver.kiosk, sentAt: "s", events: [Sample.event(seq: 1_234_567)])
        let text = String(decoding: body, as: UTF8.self).replacingOccurrences(
            of: "1234567", with: "99999999999999999999999999999")
        body = Array(text.utf8)
        let outcome = try receiver.client().request(
            "POST", "/v1/events",
            headers: [("Authorization", receiver.authorization("POST", "/v1/events", body: body))], body: body)
        let response = try #require(outcome.response)
        #expect(response.status == 200 || response.status == 400)
        #expect(try receiver.server.storedEvents(kiosk: nil).isEmpty)
        try expectStillServing(receiver)
    }

    @Test(arguments: [
        "999999999999999999", "9223372036854775807", "18446744073709551616", "-1", "1e9", " 1", "00000000000000000001",
    ])
    func contentLengthAtItsExtremes(length: String) throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        client.send("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: \(length)\r\n\r\n")
        client.finishSending()
        if let response = client.readResponse().response {
            #expect((400..<500).contains(response.status))
        }
        try expectStillServing(receiver)
    }

    @Test func authorizationFieldsAtTheirExtremes() throws {
        let receiver = try TestReceiver()
        let nonce = RequestSigner.randomNonce()
        let sig = String(repeating: "a", count: 64)
        let values = [
            "Kiosk-HMAC-SHA256 kiosk=\(String(repeating: "K", count: 7000)),ts=0,nonce=\(nonce),sig=\(sig)",
            "Kiosk-HMAC-SHA256 kiosk=\(TestReceiver.kiosk),ts=\(String(repeating: "9", count: 4000)),nonce=\(nonce),sig=\(sig)",
            "Kiosk-HMAC-SHA256 kiosk=\(TestReceiver.kiosk),ts=-9223372036854775809,nonce=\(nonce),sig=\(sig)",
            "Kiosk-HMAC-SHA256 kiosk=\(TestReceiver.kiosk),ts=9223372036854775808,nonce=\(nonce),sig=\(sig)",
            "Kiosk-HMAC-SHA256 " + String(repeating: ",", count: 7000),
            "Kiosk-HMAC-SHA256 kiosk=\(TestReceiver.kiosk),ts=1,nonce=\(String(repeating: "f", count: 6000)),sig=\(sig)",
        ]
        for value in values {
            let outcome = try receiver.client().request(
                "POST", "/v1/events", headers: [("Authorization", value)], body: Array("{}".utf8))
            let response = try #require(outcome.response)
            #expect(response.status == 401 || response.status == 431)
        }
        try expectStillServing(receiver)
    }
}
