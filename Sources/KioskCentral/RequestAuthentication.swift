import KioskProtocol

/// Why a request was answered 401; the raw value is the protocol's `error` text.
enum AuthenticationFailure: String, Error, Sendable {
    /// No or malformed Authorization, or the HMAC does not match.
    case badSignature = "bad-signature"
    /// The kiosk id is not configured.
    case unknownKiosk = "unknown-kiosk"
    /// `ts` is more than the allowed skew away from the receiver's clock.
    case clockSkew = "clock-skew"
    /// The nonce was seen within the last 10 minutes.
    case replay = "replay"
}

/// Checks `Authorization: Kiosk-HMAC-SHA256 …` per central-protocol.md, in this order:
/// header well formed, kiosk known, signature, clock, nonce (recorded only once all else passed,
/// so a forged request cannot burn a kiosk's nonce).
struct RequestAuthentication: Sendable {
    let kiosks: [String: KioskKey]
    let maxClockSkew: Int64

    /// A request whose header, kiosk, signature and clock passed; its nonce is still to be recorded.
    struct Signed {
        /// The signer.
        var kiosk: String
        /// The nonce, lowercased.
        var nonce: String
    }

    /// The verified kiosk id, or why not.
    func verify(
        _ request: HTTPRequest, now: Int64, recordNonce: (_ kiosk: String, _ nonce: String) throws -> Bool
    ) throws -> Result<String, AuthenticationFailure> {
        switch checkSignature(request, now: now) {
        case .failure(let failure): return .failure(failure)
        case .success(let signed):
            guard try recordNonce(signed.kiosk, signed.nonce) else { return .failure(.replay) }
            return .success(signed.kiosk)
        }
    }

    /// Every check but the nonce's (which needs the database): the caller records the nonce,
    /// and answers `replay` when it was already seen, before anything else.
    func checkSignature(_ request: HTTPRequest, now: Int64) -> Result<Signed, AuthenticationFailure> {
        guard let value = request.header("authorization"), let header = AuthorizationHeader(parsing: value) else {
            return .failure(.badSignature)
        }
        guard let key = kiosks[header.kiosk] else { return .failure(.unknownKiosk) }
        let expected = RequestSigner(kioskId: header.kiosk, key: key).signature(
            method: request.method, pathAndQuery: request.target, body: request.body, unixTime: header.ts,
            nonce: header.nonce)
        guard Self.constantTimeEqual(expected, header.sig.lowercased()) else { return .failure(.badSignature) }
        guard Self.withinSkew(header.ts, of: now, maxSkew: maxClockSkew) else { return .failure(.clockSkew) }
        return .success(Signed(kiosk: header.kiosk, nonce: header.nonce.lowercased()))
    }

    /// Whether `ts` (any Int64 off the wire, Int64.min and Int64.max included) is at most
    /// `maxSkew` seconds from `now`. Checked arithmetic: `abs(ts - now)` traps on overflow,
    /// and one signed request must not stop the receiver for every kiosk.
    static func withinSkew(_ ts: Int64, of now: Int64, maxSkew: Int64) -> Bool {
        guard maxSkew >= 0 else { return false }
        let (difference, overflow) = ts.subtractingReportingOverflow(now)
        guard !overflow else { return false }
        return difference.magnitude <= UInt64(maxSkew)
    }

    /// Compares without an early exit, so timing does not reveal how many digits matched.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}
