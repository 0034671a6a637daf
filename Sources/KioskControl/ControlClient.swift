import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Talks to a running kioskd over its control socket: one request and its answer, or a
/// subscription's events. Calls block the calling thread (bounded by `timeout`): use it from
/// a command-line tool or a thread of your own, not from the Swift concurrency pool.
public struct ControlClient: Sendable {
    /// The socket, `[Control] Socket=`.
    public var socketPath: String
    /// `[Control] Group=`, named when permission is denied.
    public var group: String
    /// How long to wait for an answer.
    public var timeout: Duration

    /// A client for the socket at `socketPath`.
    public init(socketPath: String, group: String = "kiosk-tech", timeout: Duration = .seconds(30)) {
        self.socketPath = socketPath
        self.group = group
        self.timeout = timeout
    }

    /// Sends one request (an object such as `{"request":"status"}`) and returns its answer,
    /// which may be an error answer (`"ok":false`): that is the service speaking, not a failure
    /// of the socket.
    public func request(_ request: ControlValue) throws(ControlClientError) -> ControlValue {
        let connection = try ControlLineConnection(path: socketPath, group: group)
        do {
            try connection.send(request, timeout: timeout)
        } catch {
            // kioskd may have answered before reading (`busy`) and closed: that answer is
            // waiting to be read, and it is what the user must see, not "connection closed".
            if let answer = try? connection.nextValue(timeout: .seconds(1)) { try Self.refusal(answer); return answer }
            throw error
        }
        guard let answer = try connection.nextValue(timeout: timeout) else {
            throw ControlClientError(.closed, "kioskd closed the control connection without answering")
        }
        try Self.refusal(answer)
        return answer
    }

    /// Throws when the answer is the connection being turned away rather than an answer to
    /// the request: `busy` (no slot free), `idle-closed`, `idle-timeout`, `request-timeout`.
    static func refusal(_ answer: ControlValue) throws(ControlClientError) {
        guard answer["ok"] == .bool(false), let code = answer["error"]?.stringValue else { return }
        let message = answer["message"]?.stringValue ?? code
        switch code {
        case "busy": throw ControlClientError(.busy, "kioskd is busy: \(message)")
        case "idle-closed", "idle-timeout", "request-timeout":
            throw ControlClientError(.closed, "kioskd closed the control connection: \(message)")
        default: return
        }
    }

    /// Subscribes to the service's events. Throws when the service refuses (its error answer's
    /// message becomes the error); the stream's first value is the first event, not the
    /// acknowledgement.
    public func subscribe() throws(ControlClientError) -> ControlEventStream {
        let connection = try ControlLineConnection(path: socketPath, group: group)
        do {
            try connection.send(.object(["request": .string("subscribe")]), timeout: timeout)
        } catch {
            if let answer = try? connection.nextValue(timeout: .seconds(1)) { try Self.refusal(answer) }
            throw error
        }
        guard let ack = try connection.nextValue(timeout: timeout) else {
            throw ControlClientError(.closed, "kioskd closed the control connection without answering")
        }
        try Self.refusal(ack)
        guard ack["ok"] == .bool(true) else {
            throw ControlClientError(
                .other, "kioskd refused the subscription: \(ack["message"]?.stringValue ?? ack.json)")
        }
        return ControlEventStream(connection: connection)
    }
}

/// A subscription's events, one per line, read as they come. Closing it (or dropping it)
/// ends the subscription on the service's side.
public final class ControlEventStream {
    private let connection: ControlLineConnection

    init(connection: ControlLineConnection) { self.connection = connection }

    /// The next event; nil when the service ended the stream. `timeout` nil waits forever.
    /// A `too-slow` error line from the service is returned as a value like any event.
    public func next(timeout: Duration? = nil) throws(ControlClientError) -> ControlValue? {
        try connection.nextValue(timeout: timeout)
    }

    /// Ends the subscription (closes the connection).
    public func close() { connection.close() }
}

/// A connected client socket reading whole lines.
final class ControlLineConnection {
    /// An answer longer than this is refused (a queue listing is far smaller).
    static let maximumAnswerBytes = 16 << 20
    private var fd: Int32
    private var buffer = ControlLineBuffer(maximumLineBytes: ControlLineConnection.maximumAnswerBytes)

    init(path: String, group: String) throws(ControlClientError) {
        do {
            fd = try UnixStream.connect(to: path)
        } catch {
            throw .connecting(error, path: path, group: group)
        }
        UnixStream.setNonBlocking(fd)
    }

    deinit { close() }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    func send(_ value: ControlValue, timeout: Duration) throws(ControlClientError) {
        guard fd >= 0 else { throw ControlClientError(.closed, "the control connection is closed") }
        guard UnixStream.write(Array((value.json + "\n").utf8), to: fd, deadline: Self.deadline(timeout)) else {
            throw ControlClientError(.closed, "kioskd did not take the request (connection closed or stuck)")
        }
    }

    func nextValue(timeout: Duration?) throws(ControlClientError) -> ControlValue? {
        guard let line = try nextLine(deadline: timeout.map(Self.deadline)) else { return nil }
        do {
            return try ControlValue.parse(line)
        } catch {
            throw ControlClientError(.badAnswer, "kioskd's answer is not JSON (\(error))")
        }
    }

    private func nextLine(deadline: UInt64?) throws(ControlClientError) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            switch buffer.next() {
            case .line(let line): return line
            case .tooLarge:
                throw ControlClientError(.badAnswer, "kioskd's answer is longer than \(Self.maximumAnswerBytes) bytes")
            case .needMore: break
            }
            guard fd >= 0 else { return nil }
            let outcome: PollOutcome
            do throws(SystemError) {
                outcome = try waitForDescriptor(fd, until: deadline.map(MonotonicDeadline.init(nanoseconds:)))
            } catch {
                throw ControlClientError(.other, "control socket: \(error)")
            }
            guard case .ready = outcome else { throw ControlClientError(.timedOut, "kioskd did not answer in time") }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                chunk.withUnsafeBytes { buffer.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            } else if n == 0 {
                return nil
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                return nil
            }
        }
    }

    private static func deadline(_ timeout: Duration) -> UInt64 {
        MonotonicDeadline(after: timeout).nanoseconds
    }
}
