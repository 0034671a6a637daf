import KioskProtocol

/// The kiosk's one connection to the central server: signs each request and lets only one
/// be in flight at a time, whoever sends it (the forwarder and the updates poller share it).
///
/// Requests wait their turn in arrival order. The signature's `ts` is taken when the request's
/// turn comes, so time spent waiting does not age it.
public actor CentralClient {
    /// Base URL from `[Central] URL=`, without a trailing slash; empty when forwarding is off.
    public nonisolated let baseURL: String
    /// The path part of `baseURL` (e.g. `/central` for `https://host/central`), prefixed to
    /// every path that is signed, because the server signs what it receives.
    private nonisolated let basePath: String
    private let signer: RequestSigner
    private let transport: any HTTPTransport
    private let clock: ForwardingClock
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Creates a client; `baseURL` empty means nothing is ever sent (`isEnabled` is false).
    public init(baseURL: String, signer: RequestSigner, transport: any HTTPTransport, clock: ForwardingClock = .system)
    {
        var url = baseURL.trimmingWhitespace
        while url.hasSuffix("/") { url.removeLast() }
        self.baseURL = url
        self.basePath = CentralClient.path(of: url)
        self.signer = signer
        self.transport = transport
        self.clock = clock
    }

    /// Whether a URL is configured.
    public nonisolated var isEnabled: Bool { !baseURL.isEmpty }

    /// The kiosk id requests are signed for.
    public nonisolated var kioskId: String { signer.kioskId }

    /// Attempts of one request: the first, plus resends with a new nonce after a connection
    /// that died before answering or a `401 replay`.
    public static let maximumAttempts = 3

    /// Sends a signed request to `pathAndQuery` (e.g. `/v1/events`) and returns the answer.
    ///
    /// Every attempt is signed anew, with its own nonce and time. A request whose connection
    /// died after it went out (``TransportError/Kind/resendRefused``: the transport never resends) and
    /// a `401 replay` answer (central saw that nonce: an earlier copy reached it) are sent
    /// again at once with a new nonce, up to ``maximumAttempts`` in all; central's event ids
    /// make a batch that arrives twice count once.
    public func send(method: String, pathAndQuery: String, body: [UInt8] = [], contentType: String? = nil) async
        -> Result<HTTPResponse, TransportError>
    {
        guard isEnabled else {
            return .failure(TransportError(kind: .configuration, detail: "no [Central] URL= configured"))
        }
        await takeTurn()
        defer { endTurn() }
        var attempt = 1
        while true {
            let result = await transport.perform(
                signedRequest(method: method, pathAndQuery: pathAndQuery, body: body, contentType: contentType))
            guard attempt < Self.maximumAttempts, Self.asksForNewNonce(result), !Task.isCancelled else {
                return result
            }
            attempt += 1
        }
    }

    /// The request with a fresh `Authorization` (new nonce, current time).
    private func signedRequest(method: String, pathAndQuery: String, body: [UInt8], contentType: String?)
        -> HTTPRequest
    {
        let authorization = signer.authorization(
            method: method, pathAndQuery: basePath + pathAndQuery, body: body, unixTime: clock.now().unixSeconds,
            nonce: RequestSigner.randomNonce())
        var headers = HTTPHeaders([("Authorization", authorization), ("Accept", "application/json")])
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        return HTTPRequest(method: method, url: baseURL + pathAndQuery, headers: headers, body: body)
    }

    /// Whether the answer means "this copy of the request was seen or may have been: send it
    /// again with a new nonce" — never a key problem.
    static func asksForNewNonce(_ result: Result<HTTPResponse, TransportError>) -> Bool {
        switch result {
        case .failure(let error): return error.kind == .resendRefused
        case .success(let response):
            return response.status == 401 && CentralAnswer.errorReason(response.body) == "replay"
        }
    }

    private func takeTurn() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func endTurn() {
        if waiting.isEmpty {
            busy = false
        } else {
            // The turn passes straight on: `busy` stays true.
            waiting.removeFirst().resume()
        }
    }

    /// `/central` of `https://host:8443/central`; empty when there is no path.
    static func path(of url: String) -> String {
        guard let scheme = url.firstRange(of: "://") else { return "" }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "" }
        return String(rest[slash...])
    }
}
