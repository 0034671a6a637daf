/// What the control socket asks of the running service. The socket server (transport,
/// framing, permissions) calls these; the service answers them.
///
/// Every answer is a JSON object (as `[String: ControlValue]`), written back as one line.
public protocol ControlRequestHandling: Sendable {
    /// `{"request":"status"}`: printer, scanner, backlog, last delivery, clerk mode, version.
    func status() async -> ControlValue
    /// `{"request":"queue"}`: outbox summary and the first pending events (no event data).
    func queue(limit: Int) async -> ControlValue
    /// `{"request":"requeue","id":"…"}` or `{"request":"requeue","all":true}`.
    func requeue(id: String?, all: Bool) async -> ControlValue
    /// `{"request":"test-print"}`: print the test page.
    func testPrint() async -> ControlValue
    /// `{"request":"reprint","code":"…"}`: print a dossier's receipt again, marked as a reprint.
    func reprint(code: String) async -> ControlValue
    /// `{"request":"lookup","code":"…","print":false}`: a dossier's status (masked ID only).
    func lookup(code: String, print: Bool) async -> ControlValue
    /// `{"request":"intake","idCard":"<the card's QR text>","procedure":"1.001234"}`: a full
    /// dossier from a touchscreen front end, through the same checks and transaction as a scan.
    func intake(idCardQR: String, procedureCode: String) async -> ControlValue
    /// The same with the request's optional `address`, `phone` and `email`.
    func intake(idCardQR: String, procedureCode: String, contact: ContactFields) async -> ControlValue
    /// `{"request":"scan","text":"…"}`: handle text as if scanned (front ends, tests, the demo).
    func scan(text: String) async -> ControlValue
    /// `{"request":"subscribe"}`: a stream of events (scans handled, state changes) until the
    /// client goes away. Each element is one JSON line.
    func subscribe() async -> AsyncStream<ControlValue>
}

/// A JSON value for control-socket answers, without Foundation's `Any`.
public indirect enum ControlValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` / `false`.
    case bool(Bool)
    /// An integer.
    case int(Int64)
    /// A string.
    case string(String)
    /// An array.
    case array([ControlValue])
    /// An object; keys are written sorted.
    case object([String: ControlValue])

    /// Compact JSON text, keys sorted.
    public var json: String {
        var out = ""
        write(into: &out)
        return out
    }

    private func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .string(let s): ControlValue.quote(s, into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let fields):
            out += "{"
            for (i, key) in fields.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                ControlValue.quote(key, into: &out)
                out += ":"
                fields[key]!.write(into: &out)
            }
            out += "}"
        }
    }

    private static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                    || scalar.value == 0x2028 || scalar.value == 0x2029
                {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// An error answer: `{"ok":false,"error":"<code>","message":"…"}`.
    public static func error(_ code: String, _ message: String) -> ControlValue {
        .object(["ok": .bool(false), "error": .string(code), "message": .string(message)])
    }
}

extension ControlRequestHandling {
    /// Handlers that take no contact details ignore them.
    public func intake(idCardQR: String, procedureCode: String, contact: ContactFields) async -> ControlValue {
        await intake(idCardQR: idCardQR, procedureCode: procedureCode)
    }
}
