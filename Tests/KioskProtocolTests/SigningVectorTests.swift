import Foundation
import KioskProtocol
import Testing

/// Known-answer vectors computed outside Swift with `openssl dgst -sha256 [-hmac KEY]` and
/// Python's `hmac`; see docs/kiosk-central.md where the same vectors are published.
@Suite struct SigningVectorTests {
    static let keyText = "kiosk-test-key-0123456789abcdef!"
    static let body = #"{"kiosk":"YB-VANYEN-01","sentAt":"2026-11-21T09:15:03+07:00","events":[]}"#

    @Test func sha256OfEmptyInput() {
        #expect(Digest.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func sha256OfVietnameseText() {
        #expect(
            Digest.sha256Hex(Array("Nguyễn Bá Hoàng".utf8))
                == "d90d70ce23f3b792daaf94a84d8da39f5a8f0d1d39a18ca9889d1c0d69eb1c0e")
    }

    @Test func stringToSignForPostWithBody() {
        let text = RequestSigner.stringToSign(
            method: "POST", pathAndQuery: "/v1/events", unixTime: 1_795_745_702,
            nonce: "00112233445566778899aabbccddeeff", body: Array(Self.body.utf8))
        #expect(
            text
                == "POST\n/v1/events\n1795745702\n00112233445566778899aabbccddeeff\n6c70e4ca4d9e3515af931f8e6f3119b3583f0a80bc5e3797383d7c5b2b196c24"
        )
    }

    @Test func stringToSignForGetWithEmptyBody() {
        let text = RequestSigner.stringToSign(
            method: "GET", pathAndQuery: "/v1/kiosks/YB-VANYEN-01/updates?after=17", unixTime: 1_795_745_702,
            nonce: "ffeeddccbbaa99887766554433221100", body: [])
        #expect(
            text
                == "GET\n/v1/kiosks/YB-VANYEN-01/updates?after=17\n1795745702\nffeeddccbbaa99887766554433221100\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        )
    }

    @Test func signatureForPost() throws {
        let signer = RequestSigner(kioskId: "YB-VANYEN-01", key: try KioskKey(bytes: Array(Self.keyText.utf8)))
        let header = signer.authorization(
            method: "POST", pathAndQuery: "/v1/events", body: Array(Self.body.utf8), unixTime: 1_795_745_702,
            nonce: "00112233445566778899aabbccddeeff")
        #expect(
            header
                == "Kiosk-HMAC-SHA256 kiosk=YB-VANYEN-01,ts=1795745702,nonce=00112233445566778899aabbccddeeff,sig=4da789152a91be2043abe8275d3b55b31abea9d20d709c4889b5e4884ecac0c5"
        )
    }

    @Test func signatureForGet() throws {
        let signer = RequestSigner(kioskId: "YB-VANYEN-01", key: try KioskKey(bytes: Array(Self.keyText.utf8)))
        let sig = signer.signature(
            method: "GET", pathAndQuery: "/v1/kiosks/YB-VANYEN-01/updates?after=17", body: [], unixTime: 1_795_745_702,
            nonce: "ffeeddccbbaa99887766554433221100")
        #expect(sig == "b18a6ce36d0f50863ff7d5cd25d15da152b5f24b3894ed2b7a94968a8a1fe3dd")
    }

    @Test func hmacDependsOnEveryLine() throws {
        let key = Array(Self.keyText.utf8)
        let base = Digest.hmacSHA256Hex(key: key, message: Array("a\nb".utf8))
        #expect(base != Digest.hmacSHA256Hex(key: key, message: Array("a\nc".utf8)))
        #expect(base != Digest.hmacSHA256Hex(key: key + [1], message: Array("a\nb".utf8)))
        #expect(base.count == 64)
    }

    @Test func noncesAreHexAndDiffer() {
        let a = RequestSigner.randomNonce()
        let b = RequestSigner.randomNonce()
        #expect(a.count == 32)
        #expect(a.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(a != b)
    }
}
