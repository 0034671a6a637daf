import COpenSSL

/// Signs requests per central-protocol.md "Authentication".
///
///     sig = hex(HMAC-SHA256(key, METHOD \n PATH_AND_QUERY \n ts \n nonce \n hex(SHA-256(body))))
public struct RequestSigner: Sendable {
    /// The authentication scheme name that starts the `Authorization` value.
    public static let scheme = "Kiosk-HMAC-SHA256"

    /// The kiosk the requests are signed for.
    public let kioskId: String
    /// Its secret.
    public let key: KioskKey

    /// A signer for one kiosk.
    public init(kioskId: String, key: KioskKey) {
        self.kioskId = kioskId
        self.key = key
    }

    /// The exact text that is MACed: five lines joined by `\n`, no trailing newline.
    public static func stringToSign(method: String, pathAndQuery: String, unixTime: Int64, nonce: String, body: [UInt8])
        -> String
    {
        "\(method)\n\(pathAndQuery)\n\(unixTime)\n\(nonce)\n\(Digest.sha256Hex(body))"
    }

    /// The 64-hex-digit signature of a request.
    public func signature(method: String, pathAndQuery: String, body: [UInt8], unixTime: Int64, nonce: String) -> String
    {
        let text = Self.stringToSign(
            method: method, pathAndQuery: pathAndQuery, unixTime: unixTime, nonce: nonce, body: body)
        return Digest.hmacSHA256Hex(key: key.bytes, message: Array(text.utf8))
    }

    /// Full Authorization header value: "Kiosk-HMAC-SHA256 kiosk=…,ts=…,nonce=…,sig=…".
    public func authorization(method: String, pathAndQuery: String, body: [UInt8], unixTime: Int64, nonce: String)
        -> String
    {
        let sig = signature(method: method, pathAndQuery: pathAndQuery, body: body, unixTime: unixTime, nonce: nonce)
        return AuthorizationHeader(kiosk: kioskId, ts: unixTime, nonce: nonce, sig: sig).value
    }

    /// 32 lowercase hex chars from 16 bytes of `RAND_bytes`.
    ///
    /// The corresponding C function is `RAND_bytes`.
    public static func randomNonce() -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let ok = bytes.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, 16) }
        if ok != 1 {
            // libcrypto's generator could not seed; the kernel's getrandom is just as good.
            var generator = SystemRandomNumberGenerator()
            for i in bytes.indices { bytes[i] = generator.next() }
        }
        return Hex.encode(bytes)
    }
}
