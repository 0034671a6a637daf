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
    /// `{"request":"release","job":41}` or `{"request":"release","all":true}`: held print jobs
    /// back to the printer, printed now or refused now (the printer cannot print) and kept held.
    func release(job: Int64?, all: Bool) async -> ControlValue
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
