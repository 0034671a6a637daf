/// Carries one HTTP request to the central server and brings back its answer.
///
/// Implementations never throw: every failure is a `TransportError` a technician can act on.
/// `CentralHTTPTransport` is the real one; tests may use stand-ins.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and waits for the whole answer (or the configured timeout).
    func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, TransportError>
}
