import KioskSystem

/// `HTTPTransport` to the central server: HTTP/1.1 over a TCP socket, TLS by OpenSSL, with a
/// pinned CA file or directory, hostname verification and SNI, and an optional client
/// certificate (mutual TLS).
///
/// Blocking socket work runs on one dedicated thread of the transport's own (`kiosk-http`),
/// never on the Swift concurrency pool; requests queue there in arrival order and results
/// come back through a continuation. The connection is kept alive between requests and
/// reused while the server keeps it open. Redirects are not followed, no `Expect:
/// 100-continue` is sent, answers over `maxResponseBytes` are cut off, only `http` and
/// `https` URLs are allowed, and a request is never sent twice by the transport itself (see
/// ``TransportError/Kind/resendRefused``).
public final class CentralHTTPTransport: HTTPTransport {
    /// How to reach the central server (`[Central]` keys of kiosk.conf).
    public struct Configuration: Sendable, Equatable {
        /// PEM bundle of the CAs to trust (`CAFile=`). With ``caPath`` nil too, the system's
        /// CAs; otherwise only what these two name.
        public var caFile: String?
        /// Directory of hashed CA certificates to trust (`CAPath=`, see `openssl rehash`).
        public var caPath: String?
        /// Client certificate (PEM) for mutual TLS (`Certificate=`).
        public var certificate: String?
        /// Private key of the client certificate (`PrivateKey=`).
        public var privateKey: String?
        /// Limit for the whole request, in seconds (`Timeout=`).
        public var timeout: Double
        /// Limit for connecting (TCP and TLS), in seconds; at most `timeout`.
        public var connectTimeout: Double
        /// Largest answer body accepted; a larger one fails the request.
        public var maxResponseBytes: Int

        /// Creates a configuration; `connectTimeout` defaults to `timeout`.
        public init(
            caFile: String? = nil, certificate: String? = nil, privateKey: String? = nil, timeout: Double = 15,
            connectTimeout: Double? = nil, maxResponseBytes: Int = 8 << 20, caPath: String? = nil
        ) {
            self.caFile = caFile
            self.caPath = caPath
            self.certificate = certificate
            self.privateKey = privateKey
            self.timeout = timeout
            self.connectTimeout = min(connectTimeout ?? timeout, timeout)
            self.maxResponseBytes = maxResponseBytes
        }
    }

    /// The configuration the transport was made with.
    public let configuration: Configuration
    private let worker: HTTPWorker

    /// Starts the transport's thread.
    public convenience init(configuration: Configuration) {
        self.init(configuration: configuration, resolve: nil)
    }

    /// Starts the transport's thread, names looked up through `resolve` (a test's stand-in
    /// for `getaddrinfo`) when given.
    init(configuration: Configuration, resolve: HostLookup.Resolve?) {
        self.configuration = configuration
        let lookup = resolve.map { HostLookup(resolve: $0) } ?? HostLookup()
        self.worker = HTTPWorker(configuration: configuration, lookup: lookup)
        let worker = self.worker
        NamedThread.start("kiosk-http") { worker.serve() }
    }

    deinit {
        worker.stop()
    }

    /// Sends `request` on the transport's thread and waits for the answer.
    ///
    /// Cancelling the calling task aborts the transfer at once (the thread's `poll` wakes).
    public func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, TransportError> {
        guard let wake = worker.wake else {
            return .failure(TransportError(kind: .other, detail: "cannot make the transport's wake pipe"))
        }
        let job = HTTPJob(request: request, cancel: RequestCancel(wake: wake))
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                job.continuation = continuation
                worker.enqueue(job)
            }
        } onCancel: {
            job.cancel.cancel()
        }
    }
}
