import Foundation
import KioskCentral
import KioskProtocol
import Testing

@Suite struct AuthenticationTests {
    private func expect401(
        _ outcome: RawHTTPClient.Outcome, _ error: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let response = try #require(outcome.response, sourceLocation: sourceLocation)
        #expect(response.status == 401, sourceLocation: sourceLocation)
        #expect(response.json()?["error"] as? String == error, sourceLocation: sourceLocation)
        #expect(response.headers["date"] != nil, sourceLocation: sourceLocation)
    }

    private func body() -> [UInt8] {
        EventBatchBody.encode(kiosk: TestReceiver.kiosk, sentAt: "s", events: [Sample.event(seq: 1)])
    }

    @Test func wrongKeyIsABadSignature() throws {
        let receiver = try TestReceiver()
        let forger = RequestSigner(
            kioskId: TestReceiver.kiosk, key: try KioskKey(bytes: Array(repeating: 0x41, count: 32)))
        let body = body()
        let outcome = try receiver.client().request(
            "POST", "/v1/events",
            headers: [("Authorization", receiver.authorization("POST", "/v1/events", body: body, signer: forger))],
            body: body)
        try expect401(outcome, "bad-signature")
        #expect(try receiver.server.storedEvents(kiosk: nil).isEmpty)
    }

    @Test func tamperedBodyOrPathIsABadSignature() throws {
        let receiver = try TestReceiver()
        let body = body()
        let header = receiver.authorization("POST", "/v1/events", body: body)
        try expect401(
            try receiver.client().request(
                "POST", "/v1/events", headers: [("Authorization", header)], body: body + [0x20]), "bad-signature")
        let get = receiver.authorization("GET", "/v1/kiosks/YB-VANYEN-01/updates?after=1", body: [])
        try expect401(
            try receiver.client().request(
                "GET", "/v1/kiosks/YB-VANYEN-01/updates?after=2", headers: [("Authorization", get)]), "bad-signature")
    }

    @Test func missingOrMalformedHeaderIsABadSignature() throws {
        let receiver = try TestReceiver()
        try expect401(try receiver.client().request("POST", "/v1/events", body: body()), "bad-signature")
        try expect401(
            try receiver.client().request("POST", "/v1/events", headers: [("Authorization", "Bearer x")], body: body()),
            "bad-signature")
    }

    @Test func unknownKiosk() throws {
        let receiver = try TestReceiver()
        let stranger = RequestSigner(kioskId: "HN-NOBODY-09", key: TestReceiver.key)
        let body = EventBatchBody.encode(kiosk: "HN-NOBODY-09", sentAt: "s", events: [Sample.event(seq: 1)])
        let outcome = try receiver.client().request(
            "POST", "/v1/events",
            headers: [("Authorization", receiver.authorization("POST", "/v1/events", body: body, signer: stranger))],
            body: body)
        try expect401(outcome, "unknown-kiosk")
    }

    @Test(arguments: [Int64(-301), 301, -3600, 86_400])
    func clockSkew(seconds: Int64) throws {
        let receiver = try TestReceiver()
        let body = body()
        let outcome = try receiver.client().request(
            "POST", "/v1/events",
            headers: [("Authorization", receiver.authorization("POST", "/v1/events", body: body, skew: seconds))],
            body: body)
        try expect401(outcome, "clock-skew")
    }

    @Test func skewWithinTheWindowIsAccepted() throws {
        let receiver = try TestReceiver()
        let body = body()
        let outcome = try receiver.client().request(
            "POST", "/v1/events",
            headers: [("Authorization", receiver.authorization("POST", "/v1/events", body: body, skew: -250))],
            body: body)
        #expect(outcome.response?.status == 200)
    }

    @Test func replayedNonceIsRefused() throws {
        let receiver = try TestReceiver()
        let header = receiver.authorization("GET", "/v1/kiosks/YB-VANYEN-01/updates", body: [])
        let client = try receiver.client()
        #expect(
            client.request("GET", "/v1/kiosks/YB-VANYEN-01/updates", headers: [("Authorization", header)]).response?
                .status == 200)
        try expect401(
            client.request("GET", "/v1/kiosks/YB-VANYEN-01/updates", headers: [("Authorization", header)]), "replay")
        #expect(receiver.server.statistics.count(route: "/v1/kiosks/{id}/updates", status: 401) == 1)
    }

    @Test func forgedRequestDoesNotBurnTheNonce() throws {
        let receiver = try TestReceiver()
        let nonce = RequestSigner.randomNonce()
        let forger = RequestSigner(
            kioskId: TestReceiver.kiosk, key: try KioskKey(bytes: Array(repeating: 0x42, count: 32)))
        let target = "/v1/kiosks/YB-VANYEN-01/updates"
        try expect401(
            try receiver.client().request(
                "GET", target,
                headers: [
                    ("Authorization", receiver.authorization("GET", target, body: [], nonce: nonce, signer: forger))
                ]),
            "bad-signature")
        let genuine = try receiver.client().request(
            "GET", target, headers: [("Authorization", receiver.authorization("GET", target, body: [], nonce: nonce))])
        #expect(genuine.response?.status == 200)
    }
}
