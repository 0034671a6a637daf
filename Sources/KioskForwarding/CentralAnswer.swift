import KioskProtocol

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
        let suffix = reason.map { ": \($0)" } ?? (errorNote(response.body) != nil ? ": \(unrecognised)" : "")
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

    /// The `error` codes of central-protocol.md: the only text of an error body that is ever
    /// shown (status, logs above debug).
    static let knownErrorCodes: Set<String> = ["bad-signature", "unknown-kiosk", "clock-skew", "replay"]

    /// Shown in place of an `error` text that is not a known code.
    static let unrecognised = "error text not shown (not a protocol code; logged at debug as central.error-note)"

    /// The `error` field of a `{"error":…}` body when it is one of ``knownErrorCodes``; nil
    /// for anything else. A body can echo anything (a citizen's ID number, from a central or a
    /// man in the middle on plain HTTP): free text never reaches the status or a log above debug.
    static func errorReason(_ body: [UInt8]) -> String? {
        guard let text = errorField(body), knownErrorCodes.contains(text) else { return nil }
        return text
    }

    /// The longest note kept of an unrecognised `error` text, in Unicode scalars.
    static let noteLimit = 80

    /// An unrecognised `error` text made safe for a debug log line: control and format
    /// characters removed, runs of 6 or more digits (ID numbers, phone numbers) masked, at
    /// most ``noteLimit`` scalars. nil when the body has no `error` field or it is a known code.
    static func errorNote(_ body: [UInt8]) -> String? {
        guard let text = errorField(body), !knownErrorCodes.contains(text) else { return nil }
        var kept = String.UnicodeScalarView()
        var digits = String.UnicodeScalarView()
        var count = 0
        func flushDigits() {
            if digits.count >= 6 {
                kept.append(contentsOf: "#…#".unicodeScalars)
            } else {
                kept.append(contentsOf: digits)
            }
            digits.removeAll()
        }
        for scalar in text.unicodeScalars {
            if count >= noteLimit { break }
            count += 1
            if scalar.properties.numericType != nil && scalar.properties.generalCategory == .decimalNumber {
                digits.append(scalar)
                continue
            }
            flushDigits()
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned:
                kept.append(" ")
            default:
                kept.append(scalar)
            }
        }
        flushDigits()
        var note = String(kept)
        if text.unicodeScalars.count > noteLimit { note += "…" }
        return note
    }

    /// The note of a failed exchange's answer, for a debug log line only.
    static func debugNote(_ result: Result<HTTPResponse, TransportError>) -> String? {
        guard case .success(let response) = result else { return nil }
        return errorNote(response.body)
    }

    private static func errorField(_ body: [UInt8]) -> String? {
        guard !body.isEmpty, body.count < 64 << 10,
            let decoded = try? JSONDocumentDecoder().decode(ErrorBody.self, from: body)
        else { return nil }
        return decoded.error
    }
}
