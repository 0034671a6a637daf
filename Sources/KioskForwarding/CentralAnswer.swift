import Foundation
import KioskProtocol

/// What to do after a whole-request answer other than a usable 200, per the table of
/// central-protocol.md.
enum CentralTrouble: Sendable, Equatable {
    /// 413: the batch is too large.
    case tooLarge
    /// 429 or 503, with the server's `Retry-After` in seconds when it gave a usable one.
    case overloaded(retryAfter: Double?)
    /// Anything else: back off.
    case backOff
}

/// Reads an answer that is not a usable 200 into a decision and a text for the status.
enum CentralAnswer {
    /// Classifies a transport failure or an HTTP answer. `now` is the kiosk clock (Unix s).
    static func trouble(_ result: Result<HTTPResponse, TransportError>, now: Int64)
        -> (trouble: CentralTrouble, text: String, clockSkew: Int64?)
    {
        let response: HTTPResponse
        switch result {
        case .failure(let error): return (.backOff, error.description, nil)
        case .success(let r): response = r
        }
        let reason = errorReason(response.body)
        let suffix = reason.map { ": \($0)" } ?? ""
        switch response.status {
        case 413:
            return (.tooLarge, "central: batch too large (413)\(suffix)", nil)
        case 429, 503:
            let delay = response.headers["Retry-After"].flatMap { RetryAfter.delay($0, now: now) }
            let wait = delay.map { ", Retry-After \(Int($0)) s" } ?? ""
            return (.overloaded(retryAfter: delay), "central: overloaded (\(response.status))\(wait)\(suffix)", nil)
        case 400:
            return (.backOff, "central: request refused as malformed (400)\(suffix)", nil)
        case 401:
            var skew: Int64?
            if reason == "clock-skew", let date = response.headers["Date"].flatMap(HTTPDate.unixSeconds) {
                skew = now - date
            }
            let skewText = skew.map { ", kiosk clock is \($0) s \($0 >= 0 ? "ahead of" : "behind") central" } ?? ""
            let hint: String
            switch reason {
            case "bad-signature": hint = " (check [Central] KeyFile= matches the key registered at central)"
            case "unknown-kiosk": hint = " (central does not know this [Kiosk] Id=)"
            case "clock-skew": hint = " (set the kiosk's clock; NTP?)"
            case "replay":
                hint =
                    " (central had already seen this request's nonce; it was sent again with a new one, not a key problem)"
            default: hint = ""
            }
            return (.backOff, "central: authentication refused (401)\(suffix)\(skewText)\(hint)", skew)
        case 200:
            return (.backOff, "central: malformed answer to a batch (200 without valid results)", nil)
        default:
            return (.backOff, "central: HTTP \(response.status)\(suffix)", nil)
        }
    }

    /// The `error` field of a `{"error":…}` body, cut short; nil for anything else.
    /// Only this field is shown: a body could echo anything, and logs must stay clean.
    static func errorReason(_ body: [UInt8]) -> String? {
        guard !body.isEmpty, body.count < 64 << 10,
            let decoded = try? JSONDecoder().decode(ErrorBody.self, from: Data(body))
        else { return nil }
        let text = decoded.error.filter { !$0.isNewline }
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }
}
