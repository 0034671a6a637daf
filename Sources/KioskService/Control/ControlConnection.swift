import KioskControl
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// One client of the control socket as the server's thread sees it: the bytes read and not
/// yet answered, the lines waiting to be written, and the deadlines that bound both. Reads
/// and writes never wait: the server's one thread polls every connection for readiness.
/// Owns `fd`; the server's thread closes it.
///
/// Deadlines (``ControlServer/Limits``): with no request in progress the client must send
/// within `idleTimeout`; once a request line has begun it must end within `requestTimeout`;
/// every line written must be taken within `writeTimeout`. Subscribers have no input
/// deadlines: they only read.
struct ControlConnection {
    /// What the connection is doing.
    enum Phase: Equatable {
        /// Reading its next request (or writing the answer to one refused at once).
        case reading
        /// Its request is with the service: nothing more is read until the answer is written.
        case serving
        /// An event stream after `subscribe`: what the client sends is read and ignored.
        case subscribed
        /// A last line (a refusal, a notice) is being written; then the connection closes.
        case closing
    }

    /// What a read came to.
    enum Read {
        case data, wouldBlock, ended, failed
    }

    /// What writing the waiting lines came to.
    enum Flush {
        /// Everything is written.
        case done
        /// The socket is full: poll for `POLLOUT`.
        case blocked
        /// The peer is gone, or did not take a line before its deadline.
        case failed
    }

    /// Its entry in the server's ``ControlConnectionTable``.
    let id: Int
    let fd: Int32
    let peer: UnixStream.PeerCredentials?
    var phase = Phase.reading
    var buffer: ControlLineBuffer
    /// Since when (monotonic ns) no request has been in progress: the idle deadline's start.
    var lastActivity: UInt64
    /// When the first byte of the request line being received arrived.
    var lineStarted: UInt64?
    /// The client shut down its sending side: after the last answer, the connection closes.
    var inputEnded = false
    /// The request with the service: its `id` to echo, and what it was (for the requeue record).
    var inService: (request: ControlRequest, echo: ControlValue?)?
    /// The task reading the service's event stream (subscribers only); cancelled at close.
    var subscription: Task<Void, Never>?
    /// The service ended the event stream: close once the lines before the end are written.
    var streamEnded = false
    private var output: [(bytes: [UInt8], event: Bool)] = []
    private var writtenOfFirst = 0
    /// When the line being written must have been taken (monotonic ns).
    private(set) var writeDeadline: UInt64?

    init(id: Int, fd: Int32, peer: UnixStream.PeerCredentials?, maximumRequestBytes: Int, now: UInt64) {
        self.id = id
        self.fd = fd
        self.peer = peer
        self.buffer = ControlLineBuffer(maximumLineBytes: maximumRequestBytes)
        self.lastActivity = now
    }

    /// Who is connected, for log lines.
    var peerFields: [(String, String)] {
        guard let peer else { return [("pid", "unknown")] }
        return [("pid", String(peer.pid)), ("uid", String(peer.uid))]
    }

    /// Whether lines wait to be written.
    var hasOutput: Bool { !output.isEmpty }

    /// Queues one line; it must be taken by the client within `nanoseconds` of reaching the
    /// head of the queue. `event` lines count in a subscriber's backlog until written.
    mutating func queue(_ value: ControlValue, event: Bool = false, within nanoseconds: UInt64, now: UInt64) {
        if output.isEmpty { writeDeadline = now + nanoseconds }
        output.append((Array((value.json + "\n").utf8), event))
    }

    /// Writes what the socket takes now, without waiting; `lineWritten` is told of each line
    /// finished (true for an event line). `MSG_NOSIGNAL`: a closed peer gives `EPIPE`, never
    /// `SIGPIPE`.
    mutating func flush(now: UInt64, writeTimeout: UInt64, lineWritten: (Bool) -> Void) -> Flush {
        while let first = output.first {
            let n = first.bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress! + writtenOfFirst, raw.count - writtenOfFirst, Int32(MSG_NOSIGNAL))
            }
            if n > 0 {
                writtenOfFirst += n
                guard writtenOfFirst == first.bytes.count else { continue }
                output.removeFirst()
                writtenOfFirst = 0
                writeDeadline = output.isEmpty ? nil : now + writeTimeout
                lineWritten(first.event)
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return (writeDeadline ?? now) > now ? .blocked : .failed
            }
            return .failed
        }
        return .done
    }

    /// Drops the lines not yet begun (a subscriber dropped as too slow gets its last line
    /// next); a line partly written is kept, so the client never sees half a line.
    mutating func dropWaitingLines() {
        output = writtenOfFirst > 0 ? Array(output.prefix(1)) : []
        if output.isEmpty { writeDeadline = nil }
    }

    /// Reads what has arrived into the line buffer.
    mutating func read(into scratch: inout [UInt8], now: UInt64) -> Read {
        let n = scratch.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n > 0 {
            if phase == .subscribed { return .data }
            scratch.withUnsafeBytes { buffer.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            if lineStarted == nil { lineStarted = now }
            return .data
        }
        if n == 0 { return .ended }
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? .wouldBlock : .failed
    }

    /// When the client must have sent more (monotonic ns): the request deadline once a line
    /// has begun, the idle deadline otherwise; nil when no input is due.
    func inputDeadline(_ limits: ControlServer.Limits) -> UInt64? {
        guard phase == .reading, output.isEmpty, !inputEnded else { return nil }
        return lineStarted.map { $0 + limits.requestTimeoutNanoseconds } ?? lastActivity + limits.idleTimeoutNanoseconds
    }

    /// The poll events the connection waits for now; 0 when it waits for nothing of its own
    /// (its request is with the service).
    var pollEvents: Int16 {
        var events: Int16 = 0
        if !output.isEmpty { events |= Int16(POLLOUT) }
        switch phase {
        case .reading where output.isEmpty && !inputEnded: events |= Int16(POLLIN)
        case .subscribed: events |= Int16(POLLIN)
        default: break
        }
        return events
    }
}
