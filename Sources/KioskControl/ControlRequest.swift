/// One control-socket request, read and checked: what the service is asked to do, with its
/// arguments. The transport decodes lines into this and routes it to `ControlRequestHandling`.
public enum ControlRequest: Sendable, Equatable {
    /// `{"request":"status"}`.
    case status
    /// `{"request":"queue","limit":20}` (`limit` optional, 1…1000).
    case queue(limit: Int)
    /// `{"request":"requeue","event":"…"}` (or `"id":"…"`) or `{"request":"requeue","all":true}`.
    case requeue(id: String?, all: Bool)
    /// `{"request":"test-print"}`.
    case testPrint
    /// `{"request":"reprint","code":"…"}`.
    case reprint(code: String)
    /// `{"request":"lookup","code":"…","print":false}` (`print` optional, default false).
    case lookup(code: String, print: Bool)
    /// `{"request":"intake","idCard":"<QR text>","procedure":"1.001234"}`, optionally with
    /// `"address"` (where the result goes by post), `"phone"` and `"email"`.
    case intake(idCardQR: String, procedureCode: String, contact: ContactFields = ContactFields())
    /// `{"request":"scan","text":"…"}`.
    case scan(text: String)
    /// `{"request":"subscribe"}`: the connection becomes an event stream.
    case subscribe

    /// Every request name the socket knows, sorted.
    public static let names = [
        "intake", "lookup", "queue", "reprint", "requeue", "scan", "status", "subscribe", "test-print",
    ]
    /// `queue` without `limit`.
    public static let defaultQueueLimit = 20
    /// The largest `limit` a `queue` request may ask for.
    public static let maximumQueueLimit = 1000

    /// The request's name as written on the wire: `test-print`.
    public var name: String {
        switch self {
        case .status: "status"
        case .queue: "queue"
        case .requeue: "requeue"
        case .testPrint: "test-print"
        case .reprint: "reprint"
        case .lookup: "lookup"
        case .intake: "intake"
        case .scan: "scan"
        case .subscribe: "subscribe"
        }
    }

    /// Reads a request from a parsed line. Unknown fields are ignored (newer clients).
    public static func decode(_ value: ControlValue) throws(ControlRequestError) -> ControlRequest {
        guard case .object = value else {
            throw .badRequest("a request is a JSON object, e.g. {\"request\":\"status\"}")
        }
        guard let field = value["request"] else {
            throw .badRequest("missing \"request\" (one of \(names.joined(separator: ", ")))")
        }
        guard let name = field.stringValue else { throw .badRequest("\"request\" must be a string") }
        switch name {
        case "status": return .status
        case "test-print": return .testPrint
        case "subscribe": return .subscribe
        case "queue":
            guard let limit = value["limit"], limit != .null else { return .queue(limit: defaultQueueLimit) }
            guard let number = limit.intValue, (1...Int64(maximumQueueLimit)).contains(number) else {
                throw .badRequest("queue: \"limit\" must be a whole number from 1 to \(maximumQueueLimit)")
            }
            return .queue(limit: Int(number))
        case "requeue":
            // The event is named by `event`, or by `id` as the service's protocol first had it
            // (then `id` is both the event and the echo). With `all`, `id` is only the echo.
            let all = try optionalBool(value, "all", request: name)
            var event = try optionalString(value, "event", request: name)
            if event == nil, !all, let id = value["id"]?.stringValue, !id.isEmpty { event = id }
            switch (event, all) {
            case (nil, false): throw .badRequest("requeue needs \"event\" (an event id) or \"all\":true")
            case (.some, true): throw .badRequest("requeue takes \"event\" or \"all\":true, not both")
            default: return .requeue(id: event, all: all)
            }
        case "reprint": return .reprint(code: try requiredString(value, "code", request: name))
        case "lookup":
            return .lookup(
                code: try requiredString(value, "code", request: name),
                print: try optionalBool(value, "print", request: name))
        case "intake":
            return .intake(
                idCardQR: try requiredString(value, "idCard", request: name),
                procedureCode: try requiredString(value, "procedure", request: name),
                contact: ContactFields(
                    address: try optionalString(value, "address", request: name),
                    phone: try optionalString(value, "phone", request: name),
                    email: try optionalString(value, "email", request: name)))
        case "scan": return .scan(text: try requiredString(value, "text", request: name))
        default: throw .unknownRequest(name)
        }
    }

    private static func requiredString(_ value: ControlValue, _ key: String, request: String)
        throws(ControlRequestError) -> String
    {
        guard let text = value[key]?.stringValue, !text.isEmpty else {
            throw .badRequest("\(request) needs \"\(key)\" (a non-empty string)")
        }
        return text
    }

    private static func optionalString(_ value: ControlValue, _ key: String, request: String)
        throws(ControlRequestError) -> String?
    {
        guard let field = value[key], field != .null else { return nil }
        guard let text = field.stringValue, !text.isEmpty else {
            throw .badRequest("\(request): \"\(key)\" must be a non-empty string")
        }
        return text
    }

    private static func optionalBool(_ value: ControlValue, _ key: String, request: String) throws(ControlRequestError)
        -> Bool
    {
        guard let field = value[key], field != .null else { return false }
        guard let flag = field.boolValue else { throw .badRequest("\(request): \"\(key)\" must be true or false") }
        return flag
    }

    /// Asks the service; `subscribe` is the transport's own business and answers an error here.
    public func perform(on handler: some ControlRequestHandling) async -> ControlValue {
        switch self {
        case .status: await handler.status()
        case .queue(let limit): await handler.queue(limit: limit)
        case .requeue(let id, let all): await handler.requeue(id: id, all: all)
        case .testPrint: await handler.testPrint()
        case .reprint(let code): await handler.reprint(code: code)
        case .lookup(let code, let print): await handler.lookup(code: code, print: print)
        case .intake(let idCardQR, let procedureCode, let contact):
            await handler.intake(idCardQR: idCardQR, procedureCode: procedureCode, contact: contact)
        case .scan(let text): await handler.scan(text: text)
        case .subscribe: .error("bad-request", "subscribe is answered by the socket server, not the service")
        }
    }
}

/// A request line the socket refuses, with the error answer it gets.
public struct ControlRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The wire code: `bad-request`, `unknown-request`, `too-large`, `busy`, `too-slow`.
    public var code: String
    /// What was wrong, for a person.
    public var message: String
    /// Extra answer fields (`known` for `unknown-request`).
    public var extra: [String: ControlValue]

    /// Creates an error.
    public init(code: String, message: String, extra: [String: ControlValue] = [:]) {
        self.code = code
        self.message = message
        self.extra = extra
    }

    /// `bad-request`: not JSON, not an object, a missing or mistyped field.
    public static func badRequest(_ message: String) -> ControlRequestError {
        ControlRequestError(code: "bad-request", message: message)
    }

    /// `unknown-request`, listing the known ones in `known`.
    public static func unknownRequest(_ name: String) -> ControlRequestError {
        let shown =
            name.unicodeScalars.count > 40
            ? String(String.UnicodeScalarView(name.unicodeScalars.prefix(40))) + "…" : name
        return ControlRequestError(
            code: "unknown-request",
            message: "unknown request \"\(shown)\"; known: \(ControlRequest.names.joined(separator: ", "))",
            extra: ["known": .array(ControlRequest.names.map { .string($0) })])
    }

    /// The answer line's value: `{"ok":false,"error":code,"message":…, …extra}`.
    public var answer: ControlValue {
        var fields = extra
        fields["ok"] = .bool(false)
        fields["error"] = .string(code)
        fields["message"] = .string(message)
        return .object(fields)
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}

/// The optional contact fields of an `intake` request, as sent (checked by the service).
public struct ContactFields: Sendable, Equatable {
    /// `"address"`: where the result goes by post, in place of the card's.
    public var address: String?
    /// `"phone"`.
    public var phone: String?
    /// `"email"`.
    public var email: String?

    /// Creates the fields; all optional.
    public init(address: String? = nil, phone: String? = nil, email: String? = nil) {
        self.address = address
        self.phone = phone
        self.email = email
    }
}
