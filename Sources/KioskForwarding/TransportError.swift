/// Why a request to the central server got no HTTP answer.
///
/// A struct around a private code so new kinds can be added without breaking callers;
/// `kind` tells the broad class, `description` the detail (curl's own text included).
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
        /// The connection died after the request went out and before any answer; libcurl's
        /// own resend (which would repeat the nonce) was stopped, and the request is signed
        /// again and sent by ``CentralClient``.
        case resendRefused = "resend-refused"
        /// Anything else.
        case other
    }

    /// The broad class of failure.
    public var kind: Kind
    /// What happened, in words a technician can act on, with curl's text when there is one.
    public var detail: String
    /// The libcurl result code (`CURLcode`), 0 when the error did not come from curl.
    public var curlCode: Int

    /// Creates an error.
    public init(kind: Kind, detail: String, curlCode: Int = 0) {
        self.kind = kind
        self.detail = detail
        self.curlCode = curlCode
    }

    /// `central: timeout: Operation timed out after 1001 milliseconds (curl 28)`.
    public var description: String {
        curlCode == 0
            ? "central: \(kind.rawValue): \(detail)" : "central: \(kind.rawValue): \(detail) (curl \(curlCode))"
    }
}
