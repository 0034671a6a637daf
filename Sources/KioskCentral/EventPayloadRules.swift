import Foundation
import KioskProtocol

/// What the receiver requires of each event type's `data`, checked on the already parsed body
/// (a second decode per event would double the cost of a batch). Reasons name fields, never
/// values (the data holds personal details), except the procedure code.
enum EventPayloadRules {
    /// The JSON shape one field must have.
    indirect enum Shape: Sendable {
        case string
        case integer
        case object([Field])
    }

    /// A named field, required or optional.
    struct Field: Sendable {
        var name: String
        var shape: Shape
        var optional = false
    }

    static let schemas: [EventType: [Field]] = [
        .dossierReceived: [
            Field(name: "code", shape: .string),
            Field(name: "procedure", shape: .object([Field(name: "code", shape: .string), Field(name: "name", shape: .string)])),
            Field(
                name: "applicant",
                shape: .object(
                    ["idNumber", "name", "birthDate", "gender", "address"].map { Field(name: $0, shape: .string) })),
            Field(name: "receivedAt", shape: .string),
            Field(name: "dueDate", shape: .string),
            Field(name: "fee", shape: .object([Field(name: "amount", shape: .integer), Field(name: "currency", shape: .string)])),
            Field(
                name: "delivery",
                shape: .object([Field(name: "method", shape: .string), Field(name: "address", shape: .string, optional: true)])),
            Field(name: "postalItem", shape: .string, optional: true),
            Field(name: "office", shape: .string),
        ],
        .postalItemAttached: [Field(name: "code", shape: .string), Field(name: "postalItem", shape: .string)],
        .returned: [Field(name: "code", shape: .string), Field(name: "returnedAt", shape: .string), Field(name: "idNumber", shape: .string)],
        .kioskHealth: [
            Field(name: "printer", shape: .string), Field(name: "scanner", shape: .string), Field(name: "backlog", shape: .integer),
            Field(name: "oldestPendingAt", shape: .string, optional: true), Field(name: "deadLetters", shape: .integer),
            Field(name: "version", shape: .string),
        ],
    ]

    /// `N.NNNNNN`: one digit, a dot, six digits.
    static func isProcedureCode(_ code: String) -> Bool {
        let b = Array(code.utf8)
        guard b.count == 8, b[1] == UInt8(ascii: ".") else { return false }
        return b.enumerated().allSatisfy { i, c in i == 1 || (c >= 0x30 && c <= 0x39) }
    }

    /// Nil when `data` (as parsed by JSONSerialization) is acceptable for `type`, else the reason.
    static func problem(type: EventType, data: [String: Any]) -> String? {
        if let problem = check(data, fields: schemas[type] ?? [], path: "") { return problem }
        switch type {
        case .dossierReceived:
            if (data["code"] as? String)?.isEmpty ?? true { return "code is empty" }
            let procedure = (data["procedure"] as? [String: Any])?["code"] as? String ?? ""
            if !isProcedureCode(procedure) { return "procedure code \(procedure) is not of the form N.NNNNNN" }
            let delivery = data["delivery"] as? [String: Any] ?? [:]
            switch delivery["method"] as? String {
            case "counter": break
            case "post":
                if (delivery["address"] as? String)?.isEmpty ?? true { return "delivery by post without an address" }
            case let method: return "unknown delivery method \(method ?? "")"
            }
        case .postalItemAttached:
            if (data["code"] as? String)?.isEmpty ?? true || (data["postalItem"] as? String)?.isEmpty ?? true {
                return "code or postalItem is empty"
            }
        case .returned:
            if (data["code"] as? String)?.isEmpty ?? true { return "code is empty" }
        case .kioskHealth:
            break
        }
        return nil
    }

    private static func check(_ object: [String: Any], fields: [Field], path: String) -> String? {
        for field in fields {
            let name = path.isEmpty ? field.name : "\(path).\(field.name)"
            guard let value = object[field.name] else {
                if field.optional { continue }
                return "missing field \(name)"
            }
            if value is NSNull {
                if field.optional { continue }
                return "field \(name) is null"
            }
            switch field.shape {
            case .string:
                guard value is String else { return "field \(name) has the wrong type" }
            case .integer:
                guard isInteger(value) else { return "field \(name) has the wrong type" }
            case .object(let inner):
                guard let nested = value as? [String: Any] else { return "field \(name) has the wrong type" }
                if let problem = check(nested, fields: inner, path: name) { return problem }
            }
        }
        return nil
    }

    /// A JSON integer: a number that is not a boolean and has no fraction.
    private static func isInteger(_ value: Any) -> Bool {
        // JSONSerialization gives booleans objCType "c" and fractions "d"; integers "i" or "q"
        // ("Q" for values above Int64.max, which are refused too).
        guard let number = value as? NSNumber else { return false }
        return ["i", "q", "l", "s"].contains(String(cString: number.objCType))
    }
}
