/// The parsed `Authorization: Kiosk-HMAC-SHA256 kiosk=…,ts=…,nonce=…,sig=…` value.
public struct AuthorizationHeader: Sendable, Equatable {
    /// The kiosk id that claims to sign.
    public var kiosk: String
    /// The signing time, Unix seconds.
    public var ts: Int64
    /// 32 hex chars, unique per request.
    public var nonce: String
    /// 64 hex chars of HMAC-SHA256.
    public var sig: String

    /// Creates a header from its parts.
    public init(kiosk: String, ts: Int64, nonce: String, sig: String) {
        self.kiosk = kiosk
        self.ts = ts
        self.nonce = nonce
        self.sig = sig
    }

    /// Parses a header value; nil unless the scheme is `Kiosk-HMAC-SHA256` and all four
    /// parameters are present and well formed (ts an integer, nonce 32 hex, sig 64 hex).
    ///
    /// Spaces after commas are tolerated; parameter names are case-sensitive; a repeated
    /// parameter makes the header invalid.
    public init?(parsing value: String) {
        let trimmed = value.drop(while: { $0 == " " || $0 == "\t" })
        guard trimmed.hasPrefix(RequestSigner.scheme + " ") else { return nil }
        let parameters = trimmed.dropFirst(RequestSigner.scheme.count + 1)
        var kiosk: Substring?
        var ts: Substring?
        var nonce: Substring?
        var sig: Substring?
        for part in parameters.split(separator: ",", omittingEmptySubsequences: false) {
            let item = part.trimmingSpaces()
            guard let equals = item.firstIndex(of: "=") else { return nil }
            let name = item[..<equals]
            let text = item[item.index(after: equals)...]
            switch name {
            case "kiosk":
                guard kiosk == nil else { return nil }
                kiosk = text
            case "ts":
                guard ts == nil else { return nil }
                ts = text
            case "nonce":
                guard nonce == nil else { return nil }
                nonce = text
            case "sig":
                guard sig == nil else { return nil }
                sig = text
            default:
                return nil
            }
        }
        guard let kiosk, !kiosk.isEmpty, let ts, let time = Int64(ts), let nonce, let sig,
            Hex.isHex(nonce, count: 32), Hex.isHex(sig, count: 64)
        else { return nil }
        self.init(kiosk: String(kiosk), ts: time, nonce: String(nonce), sig: String(sig))
    }

    /// The header value: "Kiosk-HMAC-SHA256 kiosk=…,ts=…,nonce=…,sig=…".
    public var value: String {
        "\(RequestSigner.scheme) kiosk=\(kiosk),ts=\(ts),nonce=\(nonce),sig=\(sig)"
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> Substring {
        var s = self
        while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return s
    }
}
