import Foundation
import KioskProtocol

/// What the receiver requires of each event type's `data`. Reasons name fields, never values
/// (the data holds personal details), except the procedure code.
enum EventPayloadRules {
    /// `N.NNNNNN`: one digit, a dot, six digits.
    static func isProcedureCode(_ code: String) -> Bool {
        let b = Array(code.utf8)
        guard b.count == 8, b[1] == UInt8(ascii: ".") else { return false }
        return b.enumerated().allSatisfy { i, c in i == 1 || (c >= 0x30 && c <= 0x39) }
    }

    /// Nil when `data` is acceptable for `type`, else the reason.
    static func problem(type: EventType, data: [UInt8]) -> String? {
        let decoder = JSONDecoder()
        let bytes = Data(data)
        do {
            switch type {
            case .dossierReceived:
                let payload = try decoder.decode(DossierReceivedData.self, from: bytes)
                if payload.code.isEmpty { return "code is empty" }
                if !isProcedureCode(payload.procedure.code) {
                    return "procedure code \(payload.procedure.code) is not of the form N.NNNNNN"
                }
                switch payload.delivery.method {
                case "counter": break
                case "post":
                    if payload.delivery.address?.isEmpty ?? true { return "delivery by post without an address" }
                default:
                    return "unknown delivery method \(payload.delivery.method)"
                }
            case .postalItemAttached:
                let payload = try decoder.decode(PostalItemAttachedData.self, from: bytes)
                if payload.code.isEmpty || payload.postalItem.isEmpty { return "code or postalItem is empty" }
            case .returned:
                let payload = try decoder.decode(DossierReturnedData.self, from: bytes)
                if payload.code.isEmpty { return "code is empty" }
            case .kioskHealth:
                _ = try decoder.decode(KioskHealthData.self, from: bytes)
            }
            return nil
        } catch let error as DecodingError {
            return describe(error)
        } catch {
            return "data cannot be read"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map(\.stringValue).joined(separator: ".")
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context): "missing field \(path(context.codingPath + [key]))"
        case .valueNotFound(_, let context): "field \(path(context.codingPath)) is null"
        case .typeMismatch(_, let context): "field \(path(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context): context.codingPath.isEmpty ? "data is not valid JSON" : "field \(path(context.codingPath)) is invalid"
        @unknown default: "data cannot be read"
        }
    }
}
