import CCurl
import CKioskShim
import KioskSystem

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `HTTPTransport` over libcurl, for HTTPS with a pinned CA file and an optional client
/// certificate (which URLSession on Linux cannot do).
///
/// Blocking curl calls run on one dedicated thread of the transport's own, never on the
/// Swift concurrency pool; requests queue there in arrival order and results come back
/// through a continuation. The one easy handle is reused, so the connection is kept alive
/// between requests. Redirects are not followed, `Expect: 100-continue` is off, answers over
/// `maxResponseBytes` are cut off, and only `http` and `https` URLs are allowed.
public final class CurlTransport: HTTPTransport {
    /// How to reach the central server (`[Central]` keys of kiosk.conf).
    public struct Configuration: Sendable, Equatable {
        /// PEM bundle of the CAs to trust (`CAFile=`). With ``caPath`` nil too, the system's
        /// CAs; otherwise only what these two name (libcurl's built-in CA directory is cleared).
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
    private let worker: CurlWorker

    /// Starts the transport's thread and creates its curl handle.
    public init(configuration: Configuration) {
        curlGlobalInit()
        self.configuration = configuration
        self.worker = CurlWorker(configuration: configuration)
        let worker = self.worker
        NamedThread.start("kiosk-curl") { worker.serve() }
    }

    deinit {
        worker.stop()
    }

    /// Sends `request` on the transport's thread and waits for the answer.
    ///
    /// Cancelling the calling task aborts the transfer (within about a second: curl polls
    /// its progress callback).
    public func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, TransportError> {
        let job = CurlJob(request: request)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                job.continuation = continuation
                worker.enqueue(job)
            }
        } onCancel: {
            job.cancel()
        }
    }
}

/// `curl_global_init` exactly once per process, before the first handle.
private let curlGlobal: Void = {
    _ = curl_global_init(Int(CURL_GLOBAL_ALL))
}()

private func curlGlobalInit() { curlGlobal }
