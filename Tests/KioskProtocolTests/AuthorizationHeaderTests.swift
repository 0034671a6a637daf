import KioskProtocol
import Testing

@Suite struct AuthorizationHeaderTests {
    let nonce = "00112233445566778899aabbccddeeff"
    let sig = String(repeating: "ab", count: 32)

    @Test func roundTripsThroughTheSigner() throws {
        let signer = RequestSigner(kioskId: "YB-VANYEN-01", key: try KioskKey(bytes: Array(repeating: 7, count: 32)))
        let value = signer.authorization(
            method: "GET", pathAndQuery: "/v1/health", body: [], unixTime: 42, nonce: nonce)
        let parsed = try #require(AuthorizationHeader(parsing: value))
        #expect(parsed.kiosk == "YB-VANYEN-01")
        #expect(parsed.ts == 42)
        #expect(parsed.nonce == nonce)
        #expect(
            parsed.sig
                == signer.signature(method: "GET", pathAndQuery: "/v1/health", body: [], unixTime: 42, nonce: nonce))
        #expect(parsed.value == value)
    }

    @Test func toleratesSpacesAfterCommas() {
        let parsed = AuthorizationHeader(parsing: "Kiosk-HMAC-SHA256 kiosk=K1, ts=5, nonce=\(nonce), sig=\(sig)")
        #expect(parsed == AuthorizationHeader(kiosk: "K1", ts: 5, nonce: nonce, sig: sig))
    }

    @Test(arguments: [
        "",
        "Basic dXNlcjpwYXNz",
        "Kiosk-HMAC-SHA256 ts=5,nonce=00112233445566778899aabbccddeeff,sig=\(String(repeating: "ab", count: 32))",
        "Kiosk-HMAC-SHA256 kiosk=K1,ts=five,nonce=00112233445566778899aabbccddeeff,sig=\(String(repeating: "ab", count: 32))",
        "Kiosk-HMAC-SHA256 kiosk=K1,ts=5,nonce=0011,sig=\(String(repeating: "ab", count: 32))",
        "Kiosk-HMAC-SHA256 kiosk=K1,ts=5,nonce=00112233445566778899aabbccddeeff,sig=xyz",
        "Kiosk-HMAC-SHA256 kiosk=K1,kiosk=K2,ts=5,nonce=00112233445566778899aabbccddeeff,sig=\(String(repeating: "ab", count: 32))",
        "Kiosk-HMAC-SHA256 kiosk=K1,ts=5,nonce=00112233445566778899aabbccddeeff,sig=\(String(repeating: "ab", count: 32)),extra=1",
    ])
    func rejectsMalformedValues(value: String) {
        #expect(AuthorizationHeader(parsing: value) == nil)
    }
}
