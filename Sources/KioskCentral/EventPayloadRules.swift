import KioskProtocol

/// What the receiver requires of each event type's `data`, checked on the already parsed body
/// (a ``JSONElement`` of the batch's one ``JSONDocument``; a second decode per event would
/// double the cost of a batch). Reasons name fields, never
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
            Field(
                name: "procedure",
                shape: .object([Field(name: "code", shape: .string), Field(name: "name", shape: .string)])),
            Field(
                name: "applicant",
                shape: .object(
                    ["idNumber", "name", "birthDate", "gender", "address"].map { Field(name: $0, shape: .string) })),
            Field(name: "receivedAt", shape: .string),
            Field(name: "dueDate", shape: .string),
            Field(
                name: "fee",
                shape: .object([Field(name: "amount", shape: .integer), Field(name: "currency", shape: .string)])),
            Field(
                name: "delivery",
                shape: .object([
                    Field(name: "method", shape: .string), Field(name: "address", shape: .string, optional: true),
                ])),
            Field(name: "postalItem", shape: .string, optional: true),
            Field(name: "office", shape: .string),
        ],
        .postalItemAttached: [Field(name: "code", shape: .string), Field(name: "postalItem", shape: .string)],
        .returned: [
            Field(name: "code", shape: .string), Field(name: "returnedAt", shape: .string),
            Field(name: "idNumber", shape: .string),
        ],
        .kioskHealth: [
            Field(name: "printer", shape: .string), Field(name: "scanner", shape: .string),
            Field(name: "backlog", shape: .integer),
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

    /// Nil when `data` (an object of the parsed body) is acceptable for `type`, else the reason.
    static func problem(type: EventType, data: JSONElement) -> String? {
        if let problem = check(data, fields: schemas[type] ?? [], path: "") { return problem }
        func isEmptyString(_ value: JSONElement?) -> Bool { value?.string?.isEmpty ?? true }
        switch type {
        case .dossierReceived:
            if isEmptyString(data["code"]) { return "code is empty" }
            let procedure = data["procedure"]?["code"]?.string ?? ""
            if !isProcedureCode(procedure) { return "procedure code \(procedure) is not of the form N.NNNNNN" }
            let delivery = data["delivery"]
            switch delivery?["method"]?.string {
            case "counter": break
            case "post":
                if isEmptyString(delivery?["address"]) { return "delivery by post without an address" }
            case let method: return "unknown delivery method \(method ?? "")"
            }
        case .postalItemAttached:
            if isEmptyString(data["code"]) || isEmptyString(data["postalItem"]) {
                return "code or postalItem is empty"
            }
        case .returned:
            if isEmptyString(data["code"]) { return "code is empty" }
        case .kioskHealth:
            break
        }
        return nil
    }

    private static func check(_ object: JSONElement, fields: [Field], path: String) -> String? {
        for field in fields {
            guard let value = object[field.name] else {
                if field.optional { continue }
                return "missing field \(name(field, in: path))"
            }
            if value.isNull {
                if field.optional { continue }
                return "field \(name(field, in: path)) is null"
            }
            switch field.shape {
            case .string:
                guard value.kind == .string else { return "field \(name(field, in: path)) has the wrong type" }
            case .integer:
                // A JSON integer: no fraction, no exponent, within Int64.
                guard value.int64 != nil else { return "field \(name(field, in: path)) has the wrong type" }
            case .object(let inner):
                guard value.kind == .object else { return "field \(name(field, in: path)) has the wrong type" }
                if let problem = check(value, fields: inner, path: name(field, in: path)) { return problem }
            }
        }
        return nil
    }

    /// `fee.amount` for the field `amount` inside `fee`.
    private static func name(_ field: Field, in path: String) -> String {
        path.isEmpty ? field.name : "\(path).\(field.name)"
    }
}
