/// Why a request to the central server got no HTTP answer.
///
/// A struct around a private code so new kinds can be added without breaking callers;
/// `kind` tells the broad class, `description` the detail (the system's or OpenSSL's text included).
public struct TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broad class of failure, for status displays and retry decisions.
    public enum Kind: String, Sendable, Equatable {
        /// No answer within `[Central] Timeout=` (connect or whole request).
        case timeout
        /// Nothing listens at the address (server down, wrong port, firewall REJECT).
        case connectionRefused = "connection-refused"
        /// The connection was cut (reset by peer, empty reply, send/receive failure).
        case connectionReset = "connection-reset"
        /// TLS failed: certificate not trusted, expired, wrong name, bad client certificate.
        case tls
        /// The server's name did not resolve.
        case dns
        /// The answer was larger than the kiosk accepts.
        case responseTooLarge = "response-too-large"
        /// The URL or options are wrong (a configuration error).
        case configuration
        /// The connection, reused from an earlier request, died after the request went out and
        /// before any answer byte; the transport never resends by itself (a copy would repeat
        /// the nonce): ``CentralClient`` signs the request again and sends it.
        case resendRefused = "resend-refused"
        /// Anything else.
        case other
    }

    /// The broad class of failure.
    public var kind: Kind
    /// What happened, in words a technician can act on, with the system's or OpenSSL's text.
    public var detail: String

    /// Creates an error.
    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// `central: timeout: no complete answer from 10.0.0.5 port 8443 within 15000 ms`.
    public var description: String { "central: \(kind.rawValue): \(detail)" }
}
