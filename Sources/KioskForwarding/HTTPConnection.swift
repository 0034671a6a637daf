import COpenSSL
import KioskSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One TCP connection to the central server, plain or TLS (OpenSSL), non-blocking, every
/// wait bounded by a deadline and cut short by a cancelled request.
///
/// Touched only by the transport's thread.
final class HTTPConnection: HTTPByteSource {
    /// Where it goes.
    let origin: CentralURL.Origin
    private let descriptor: Int32
    private var ssl: OpaquePointer?
    /// Received but not yet consumed by the response reader.
    private var buffered: [UInt8] = []
    private var bufferedStart = 0
    /// Whether any byte arrived since ``beginExchange(deadline:cancel:)``.
    private(set) var receivedAny = false
    private var deadline = Deadline(at: MonotonicDeadline(nanoseconds: .max), what: "")
    private var cancel: RequestCancel?

    /// A limit and the words that say what did not finish in time.
    struct Deadline {
        var at: MonotonicDeadline
        var what: String
    }

    /// Resolves the host through `lookup` and connects (TCP, then the TLS handshake for
    /// `https`) before `deadline`; `lookupSeconds` is the configured limit, for the error text.
    init(
        to origin: CentralURL.Origin, tls: TLSClientContext?, lookup: HostLookup, lookupSeconds: Double,
        deadline: Deadline, cancel: RequestCancel
    ) throws(TransportError) {
        self.origin = origin
        self.deadline = deadline
        self.cancel = cancel
        descriptor = try Self.connect(
            to: origin, lookup: lookup, lookupSeconds: lookupSeconds, deadline: deadline, cancel: cancel)
        if let tls {
            do throws(TransportError) {
                try handshake(tls)
            } catch {
                close()
                throw error
            }
        }
    }

    deinit {
        close()
    }

    /// Starts a request/answer exchange: its deadline and cancel.
    func beginExchange(deadline: Deadline, cancel: RequestCancel) {
        self.deadline = deadline
        self.cancel = cancel
        receivedAny = false
    }

    private var isOpen = true

    /// Closes the socket (and frees the TLS state) once.
    func close() {
        guard isOpen else { return }
        isOpen = false
        if let ssl { SSL_free(ssl) }
        ssl = nil
        _ = Glibc.close(descriptor)
    }

    // MARK: - Connecting

    private static func connect(
        to origin: CentralURL.Origin, lookup: HostLookup, lookupSeconds: Double, deadline: Deadline,
        cancel: RequestCancel
    ) throws(TransportError) -> Int32 {
        let addresses = try lookup.addresses(
            of: origin.host, port: origin.port, deadline: deadline.at, seconds: lookupSeconds, cancel: cancel)
        var failure = TransportError(kind: .connectionRefused, detail: "no address for \(origin.host)")
        for info in addresses {
            let fd = socket(
                info.family,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                info.protocolNumber)
            if fd < 0 {
                failure = TransportError(kind: .other, detail: "socket: \(String(cString: strerror(errno)))")
                continue
            }
            var one: Int32 = 1
            let size = socklen_t(MemoryLayout<Int32>.size)
            // A request's last segment must not wait for the previous one's ACK (Nagle and
            // delayed ACK add up to 40 ms per batch); keepalive finds a dead idle connection.
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, size)
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, size)
            var idle: Int32 = 60
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, size)
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, &idle, size)
            let address = Self.text(of: info)
            do throws(TransportError) {
                try connect(fd, info, address: address, port: origin.port, deadline: deadline, cancel: cancel)
                return fd
            } catch {
                _ = Glibc.close(fd)
                if error.kind == .timeout || error.detail == RequestCancel.detail { throw error }
                failure = error
            }
        }
        throw failure
    }

    private static func connect(
        _ fd: Int32, _ info: ResolvedAddress, address: String, port: Int, deadline: Deadline, cancel: RequestCancel
    ) throws(TransportError) {
        var code: Int32 = 0
        let started = info.socketAddress.withUnsafeBytes { raw in
            Glibc.connect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if started != 0 {
            code = errno
            if code == EINPROGRESS || code == EINTR {
                try wait(fd, for: Int16(POLLOUT), deadline: deadline, cancel: cancel)
                var length = socklen_t(MemoryLayout<Int32>.size)
                code = 0
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
            }
        }
        guard code != 0 else { return }
        let reason = String(cString: strerror(code))
        let text = "failed to connect to \(address) port \(port): \(reason)"
        switch code {
        case EPERM, EACCES:
            // The kernel refused the connection itself: the unit's IPAddressAllow= (loopback
            // only as shipped) does not include the central server's address.
            throw TransportError(
                kind: .connectionRefused,
                detail:
                    "\(text) (connection refused by the host's IP filter: add the central server's address to IPAddressAllow= with `systemctl edit kioskd`, docs/install.md)"
            )
        case ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL:
            throw TransportError(kind: .connectionRefused, detail: text)
        case ETIMEDOUT:
            throw TransportError(kind: .timeout, detail: text)
        default:
            throw TransportError(kind: .other, detail: text)
        }
    }

    private static func text(of info: ResolvedAddress) -> String {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let named = info.socketAddress.withUnsafeBytes { raw in
            getnameinfo(
                raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count), &host,
                socklen_t(host.count), nil, 0, NI_NUMERICHOST)
        }
        guard named == 0 else { return "?" }
        return host.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private func handshake(_ tls: TLSClientContext) throws(TransportError) {
        ERR_clear_error()
        guard let ssl = SSL_new(tls.context) else {
            throw TransportError(kind: .tls, detail: "SSL_new failed: \(openSSLErrors())")
        }
        self.ssl = ssl
        SSL_set_fd(ssl, descriptor)
        var address = in6_addr()
        let isAddress =
            inet_pton(AF_INET, origin.host, &address) == 1 || inet_pton(AF_INET6, origin.host, &address) == 1
        if isAddress {
            // An IP address is checked against the certificate's IP entries; no SNI for it.
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), origin.host) == 1 else {
                throw TransportError(kind: .tls, detail: "cannot verify against \(origin.host): \(openSSLErrors())")
            }
        } else {
            guard SSL_set1_host(ssl, origin.host) == 1, kiosk_SSL_set_tlsext_host_name(ssl, origin.host) == 1 else {
                throw TransportError(kind: .tls, detail: "cannot verify against \(origin.host): \(openSSLErrors())")
            }
        }
        while true {
            ERR_clear_error()
            let result = SSL_connect(ssl)
            if result == 1 { return }
            let error = SSL_get_error(ssl, result)
            let code = errno
            switch error {
            case SSL_ERROR_WANT_READ: try wait(for: Int16(POLLIN))
            case SSL_ERROR_WANT_WRITE: try wait(for: Int16(POLLOUT))
            default:
                let verify = SSL_get_verify_result(ssl)
                let handshake = "TLS handshake with \(origin.host) port \(origin.port)"
                if verify != X509_V_OK {
                    let reason = String(cString: X509_verify_cert_error_string(verify))
                    _ = openSSLErrors()
                    throw TransportError(
                        kind: .tls,
                        detail:
                            "\(handshake): server certificate not accepted: \(reason) (CAFile=/CAPath= name whom to trust)"
                    )
                }
                let queue = openSSLErrors()
                let reason =
                    error == SSL_ERROR_SYSCALL && queue == "no OpenSSL error"
                    ? (code == 0 ? "the server closed the connection" : String(cString: strerror(code))) : queue
                throw TransportError(kind: .tls, detail: "\(handshake) failed: \(reason)")
            }
        }
    }

    // MARK: - Waiting

    private func wait(for events: Int16) throws(TransportError) {
        guard let cancel else { return }
        try Self.wait(descriptor, for: events, deadline: deadline, cancel: cancel)
    }

    private static func wait(
        _ fd: Int32, for events: Int16, deadline: Deadline, cancel: RequestCancel
    ) throws(TransportError) {
        while true {
            if cancel.isCancelled { throw RequestCancel.error }
            let outcome: PollOutcome
            do {
                outcome = try waitForDescriptors([fd], for: events, stop: cancel.wake.readEnd, until: deadline.at)
            } catch {
                throw TransportError(kind: .other, detail: error.description)
            }
            switch outcome {
            case .ready: return
            case .timedOut: throw TransportError(kind: .timeout, detail: deadline.what)
            case .stopped:
                // A cancel of an earlier request may have left the pipe signalled.
                if cancel.isCancelled { throw RequestCancel.error }
                cancel.wake.drain()
            }
        }
    }

    // MARK: - Reading and writing

    /// Sends all of `bytes`.
    func send(_ bytes: [UInt8]) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let sent: Result<Int, TransportError> = bytes.withUnsafeBytes { raw in
                do throws(TransportError) {
                    return .success(try sendSome(raw.baseAddress! + offset, raw.count - offset))
                } catch {
                    return .failure(error)
                }
            }
            offset += try sent.get()
        }
    }

    private func sendSome(_ start: UnsafeRawPointer, _ count: Int) throws(TransportError) -> Int {
        while true {
            if let ssl {
                ERR_clear_error()
                var written = 0
                if SSL_write_ex(ssl, start, count, &written) == 1 { return written }
                let error = SSL_get_error(ssl, 0)
                switch error {
                case SSL_ERROR_WANT_READ: try wait(for: Int16(POLLIN))
                case SSL_ERROR_WANT_WRITE: try wait(for: Int16(POLLOUT))
                default: throw sendFailure(errno, queue: openSSLErrors())
                }
            } else {
                let sent = Glibc.send(descriptor, start, count, Int32(MSG_NOSIGNAL))
                if sent >= 0 { return sent }
                let code = errno
                if code == EAGAIN || code == EWOULDBLOCK {
                    try wait(for: Int16(POLLOUT))
                } else if code != EINTR {
                    throw sendFailure(code, queue: nil)
                }
            }
        }
    }

    private func sendFailure(_ code: Int32, queue: String?) -> TransportError {
        if code == EPIPE { discardPendingSIGPIPE() }
        let reason = queue.flatMap { $0 == "no OpenSSL error" ? nil : $0 } ?? String(cString: strerror(code))
        return TransportError(
            kind: .connectionReset, detail: "send to \(origin.host) port \(origin.port) failed: \(reason)")
    }

    /// Reads at least one byte into the buffer; false at the end of the stream.
    private func fill() throws(TransportError) -> Bool {
        if bufferedStart > 0 && bufferedStart == buffered.count {
            buffered.removeAll(keepingCapacity: true)
            bufferedStart = 0
        }
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            let received: Result<Int, TransportError> = chunk.withUnsafeMutableBytes { raw in
                do throws(TransportError) {
                    return .success(try receiveSome(raw.baseAddress!, raw.count))
                } catch {
                    return .failure(error)
                }
            }
            let count = try received.get()
            if count < 0 { continue }
            if count == 0 { return false }
            receivedAny = true
            buffered.append(contentsOf: chunk[..<count])
            return true
        }
    }

    /// Bytes read, 0 at the end of the stream, -1 to try again.
    private func receiveSome(_ start: UnsafeMutableRawPointer, _ count: Int) throws(TransportError) -> Int {
        if let ssl {
            ERR_clear_error()
            var read = 0
            if SSL_read_ex(ssl, start, count, &read) == 1 { return read }
            let error = SSL_get_error(ssl, 0)
            let code = errno
            switch error {
            case SSL_ERROR_ZERO_RETURN: return 0
            case SSL_ERROR_WANT_READ: try wait(for: Int16(POLLIN))
            case SSL_ERROR_WANT_WRITE: try wait(for: Int16(POLLOUT))
            case SSL_ERROR_SYSCALL where code == 0: return 0
            case SSL_ERROR_SSL:
                // A TLS alert, e.g. the server wants a client certificate (TLS 1.3 says so
                // only after the handshake, on the first read).
                throw TransportError(
                    kind: .tls, detail: "TLS with \(origin.host) port \(origin.port) failed: \(openSSLErrors())")
            default:
                let queue = openSSLErrors()
                throw receiveFailure(queue == "no OpenSSL error" ? String(cString: strerror(code)) : queue)
            }
            return -1
        }
        let count = recv(descriptor, start, count, 0)
        if count >= 0 { return count }
        let code = errno
        if code == EAGAIN || code == EWOULDBLOCK {
            try wait(for: Int16(POLLIN))
        } else if code != EINTR {
            throw receiveFailure(String(cString: strerror(code)))
        }
        return -1
    }

    private func receiveFailure(_ reason: String) -> TransportError {
        TransportError(
            kind: .connectionReset, detail: "receive from \(origin.host) port \(origin.port) failed: \(reason)")
    }

    /// The buffered bytes not yet consumed.
    var unconsumed: ArraySlice<UInt8> { buffered[bufferedStart...] }

    /// Marks `count` buffered bytes as consumed.
    func consume(_ count: Int) { bufferedStart += count }

    /// Reads more bytes into the buffer; false at the end of the stream.
    func readMore() throws(TransportError) -> Bool { try fill() }

    // MARK: - Reuse

    /// Whether an idle kept-alive connection can carry another request: the peer has not
    /// closed it and sent nothing unasked. TLS 1.3 session tickets that arrived after the
    /// handshake are read (and kept by OpenSSL) here.
    var isReusable: Bool {
        guard isOpen, unconsumed.isEmpty else { return false }
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&entry, 1, 0)
        if ready == 0 { return true }
        guard ready > 0, entry.revents & Int16(POLLERR | POLLHUP) == 0 else { return false }
        var byte: UInt8 = 0
        if let ssl {
            ERR_clear_error()
            var read = 0
            if SSL_read_ex(ssl, &byte, 1, &read) == 1 { return false }
            let reusable = SSL_get_error(ssl, 0) == SSL_ERROR_WANT_READ
            _ = openSSLErrors()
            return reusable
        }
        return recv(descriptor, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT)) < 0 && errno == EAGAIN
    }
}

/// The cancel of one request: a flag, and the pipe that wakes the transport's thread from
/// `poll` when it is set.
///
/// `Sendable`: the flag is an atomic and the pipe is `Sendable`.
final class RequestCancel: Sendable {
    /// Polled beside the socket.
    let wake: WakePipe
    private let flag = Atomic<Bool>(false)

    static let detail = "request cancelled"
    static let error = TransportError(kind: .other, detail: detail)

    init(wake: WakePipe) { self.wake = wake }

    /// Cancels the request and wakes the thread.
    func cancel() {
        flag.store(true, ordering: .relaxed)
        wake.signal()
    }

    /// Whether ``cancel()`` was called.
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// A write to a socket whose peer has gone raises SIGPIPE at the writing thread; the
/// transport's thread blocks it (``blockSIGPIPE()``) and takes the pending one here, so the
/// write fails with `EPIPE` instead of killing the service.
private func discardPendingSIGPIPE() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGPIPE)
    var immediately = timespec(tv_sec: 0, tv_nsec: 0)
    _ = sigtimedwait(&set, nil, &immediately)
}

/// Blocks SIGPIPE on the calling thread (the transport's): OpenSSL writes to the socket with
/// `write`, which has no `MSG_NOSIGNAL`.
func blockSIGPIPE() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &set, nil)
}
