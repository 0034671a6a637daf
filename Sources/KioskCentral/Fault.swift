extension CentralServer {
    /// A misbehaviour the receiver can be told to show, so a kiosk's (or any client's)
    /// handling of it can be tested. A faulted request is read completely but not processed
    /// (nothing stored, nonce not recorded), except with ``resetAfterProcessing``.
    public enum Fault: Sendable, Equatable {
        /// Answer this status, with an optional `Retry-After` value (seconds or HTTP-date)
        /// and body (default `{"error":"injected fault"}`).
        case status(Int, retryAfter: String?, body: String?)
        /// Hold the connection without answering for this long, then close it.
        case stall(seconds: Double)
        /// Close the connection with a TCP RST (`SO_LINGER` 0).
        case reset
        /// Answer `200` with `Content-Type: application/json` and a body that is not JSON.
        case garbage
        /// Answer bytes that are not HTTP at all, then close.
        case notHTTP
        /// Process the request normally (events are stored), then close with a TCP RST instead
        /// of answering: the answer is lost after the commit, so the client must resend and get
        /// `duplicate`.
        case resetAfterProcessing

        /// The bytes `.garbage` sends as a body: JSON cut off mid-way.
        public static let garbageBody = #"{"results": [{"id": "6f1c1b2e", "status": "acc"#
        /// The bytes `.notHTTP` sends.
        public static let notHTTPBytes: [UInt8] = Array("SSH-2.0-not-http\r\n".utf8) + [0x00, 0xFF, 0xFE, 0x0A]

        /// Short name for logs and the admin endpoint: `status 503`, `stall 5s`, `reset`, …
        public var summary: String {
            switch self {
            case .status(let code, let retryAfter, _):
                "status \(code)" + (retryAfter.map { " retry-after \($0)" } ?? "")
            case .stall(let seconds): "stall \(seconds)s"
            case .reset: "reset"
            case .garbage: "garbage"
            case .notHTTP: "not-http"
            case .resetAfterProcessing: "reset-after-processing"
            }
        }

        /// What the connection gets.
        var reply: Reply {
            switch self {
            case .status(let code, let retryAfter, let body):
                var response = HTTPResponse.json(code, body ?? #"{"error":"injected fault"}"#)
                if let retryAfter { response.headers.append(("Retry-After", retryAfter)) }
                return .respond(response)
            case .stall(let seconds): return .stall(seconds: seconds)
            case .reset, .resetAfterProcessing: return .reset
            case .garbage: return .respond(.json(200, Self.garbageBody))
            case .notHTTP: return .raw(Self.notHTTPBytes)
            }
        }

        /// The status counted in statistics: the injected code, 200 for garbage, 0 for no answer.
        var countedStatus: Int {
            switch self {
            case .status(let code, _, _): code
            case .garbage: 200
            case .stall, .reset, .notHTTP, .resetAfterProcessing: 0
            }
        }
    }
}
