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

    /// Sends a signed request to `pathAndQuery` (e.g. `/v1/events`) and returns the answer.
    public func send(method: String, pathAndQuery: String, body: [UInt8] = [], contentType: String? = nil) async
        -> Result<HTTPResponse, TransportError>
    {
        guard isEnabled else {
            return .failure(TransportError(kind: .configuration, detail: "no [Central] URL= configured"))
        }
        await takeTurn()
        defer { endTurn() }
        let signedPath = basePath + pathAndQuery
        let authorization = signer.authorization(
            method: method, pathAndQuery: signedPath, body: body, unixTime: clock.now().unixSeconds,
            nonce: RequestSigner.randomNonce())
        var headers = HTTPHeaders([("Authorization", authorization), ("Accept", "application/json")])
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        let request = HTTPRequest(method: method, url: baseURL + pathAndQuery, headers: headers, body: body)
        return await transport.perform(request)
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
        guard let scheme = url.range(of: "://") else { return "" }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "" }
        return String(rest[slash...])
    }
}
