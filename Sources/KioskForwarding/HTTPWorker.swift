import KioskSystem

/// One request waiting for, or being carried by, the transport's thread.
///
/// `@unchecked Sendable`: `continuation` is set once before the job is enqueued (the queue's
/// lock orders that write before the worker's read) and resumed once by the worker; `cancel`
/// is `Sendable`.
final class HTTPJob: @unchecked Sendable {
    let request: HTTPRequest
    let cancel: RequestCancel
    var continuation: CheckedContinuation<Result<HTTPResponse, TransportError>, Never>?

    init(request: HTTPRequest, cancel: RequestCancel) {
        self.request = request
        self.cancel = cancel
    }
}

/// The transport's thread: carries queued requests one at a time over one kept-alive
/// connection.
///
/// `@unchecked Sendable`: `queue` and `stopping` are guarded by `condition`; `connection` and
/// `tls` are touched only by the thread running `serve()`.
final class HTTPWorker: @unchecked Sendable {
    private let configuration: CentralHTTPTransport.Configuration
    private let condition = ThreadCondition()
    private var queue: [HTTPJob] = []
    private var stopping = false
    private var connection: HTTPConnection?
    private var tls: TLSClientContext?
    private let lookup: HostLookup
    /// Wakes the thread from `poll` when the request it carries is cancelled.
    let wake: WakePipe?

    init(configuration: CentralHTTPTransport.Configuration, lookup: HostLookup) {
        self.configuration = configuration
        self.lookup = lookup
        wake = try? WakePipe()
    }

    func enqueue(_ job: HTTPJob) {
        condition.lock()
        let accepted = !stopping
        if accepted {
            queue.append(job)
            condition.signal()
        }
        condition.unlock()
        if !accepted {
            job.continuation?.resume(returning: .failure(TransportError(kind: .other, detail: "transport stopped")))
        }
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// The thread's body: runs until `stop()`, then closes the connection.
    func serve() {
        blockSIGPIPE()
        while let job = next() {
            let result = carry(job)
            job.continuation?.resume(returning: result)
        }
        connection?.close()
        connection = nil
        tls = nil
    }

    private func next() -> HTTPJob? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !stopping { condition.wait() }
        if queue.isEmpty { return nil }
        return queue.removeFirst()
    }

    // MARK: - One exchange

    private func carry(_ job: HTTPJob) -> Result<HTTPResponse, TransportError> {
        if job.cancel.isCancelled { return .failure(RequestCancel.error) }
        let request = job.request
        let url: CentralURL
        do throws(TransportError) {
            url = try CentralURL(request.url)
        } catch {
            return .failure(error)
        }
        let timeoutMilliseconds = Int(configuration.timeout * 1000)
        let total = HTTPConnection.Deadline(
            at: MonotonicDeadline(afterNanoseconds: UInt64(max(0, configuration.timeout) * 1e9)),
            what:
                "no complete answer from \(url.origin.host) port \(url.origin.port) within \(timeoutMilliseconds) ms (Timeout=)"
        )
        var reused = false
        do throws(TransportError) {
            if let open = connection, open.origin == url.origin, open.isReusable {
                reused = true
            } else {
                connection?.close()
                connection = nil
                let connectMilliseconds = Int(configuration.connectTimeout * 1000)
                let connect = HTTPConnection.Deadline(
                    at: min(
                        total.at,
                        MonotonicDeadline(afterNanoseconds: UInt64(max(0, configuration.connectTimeout) * 1e9))),
                    what:
                        "connecting to \(url.origin.host) port \(url.origin.port) took longer than \(connectMilliseconds) ms"
                )
                connection = try HTTPConnection(
                    to: url.origin, tls: url.origin.secure ? try tlsContext() : nil, lookup: lookup,
                    lookupSeconds: configuration.connectTimeout, deadline: connect, cancel: job.cancel)
            }
            guard let connection else { return .failure(TransportError(kind: .other, detail: "no connection")) }
            connection.beginExchange(deadline: total, cancel: job.cancel)
            try connection.send(Self.head(of: request, url: url) + request.body)
            let outcome = try HTTPResponseReader(connection: connection, limit: configuration.maxResponseBytes)
                .read(method: request.method)
            if !outcome.keepAlive || !connection.unconsumed.isEmpty {
                connection.close()
                self.connection = nil
            }
            return .success(outcome.response)
        } catch {
            let answeredNothing = !(connection?.receivedAny ?? true)
            connection?.close()
            connection = nil
            if reused && answeredNothing && error.kind == .connectionReset {
                // The kept-alive connection died under this request. A copy may have reached
                // the server; sending the same signed bytes again would repeat the nonce.
                return .failure(
                    TransportError(
                        kind: .resendRefused,
                        detail:
                            "the connection died after the request was sent and before any answer (\(error.detail));"
                            + " it is signed again and sent with a new nonce"))
            }
            return .failure(error)
        }
    }

    private func tlsContext() throws(TransportError) -> TLSClientContext {
        if let tls { return tls }
        let made = try TLSClientContext(configuration)
        tls = made
        return made
    }

    /// Request line and header fields: `Host`, the caller's fields, `Content-Length` for
    /// anything but a GET. No `Expect: 100-continue`, no compression.
    static func head(of request: HTTPRequest, url: CentralURL) -> [UInt8] {
        var text = "\(request.method) \(url.target) HTTP/1.1\r\nHost: \(url.hostField)\r\n"
        for field in request.headers {
            text += "\(field.name): \(field.value)\r\n"
        }
        if request.method != "GET" || !request.body.isEmpty {
            text += "Content-Length: \(request.body.count)\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }
}
