import KioskControl
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The control server's one thread: a single `poll` over the listening socket, the stop pipe,
/// the inbox of answers and events, and every client, so the number of threads stays the
/// same however many clients are connected (an idle client costs a descriptor and a few
/// hundred bytes, not a thread).
///
/// Requests go to the service as tasks, which never block and hand their answer back through
/// the ``ControlInbox``; the thread itself never waits for the service, nor for a client:
/// every read and write is non-blocking and every wait is bounded by a deadline.
struct ControlEventLoop {
    let listener: Int32
    let stop: WakePipe
    let inbox: ControlInbox
    let handler: any ControlRequestHandling
    let logger: Logger
    let limits: ControlServer.Limits
    let table: ControlConnectionTable
    let socketPath: String
    let socketInode: UInt
    var connections: [Int: ControlConnection] = [:]
    private var listening = true
    private var acceptPausedUntil: UInt64 = 0
    /// Set once a stop is asked: answers in flight get until then to be written.
    private var stopDeadline: UInt64?
    private var scratch = [UInt8](repeating: 0, count: 16_384)

    /// How long, after a stop, a request already with the service may take to be answered.
    static let stopGraceNanoseconds: UInt64 = 2_000_000_000

    init(
        listener: Int32, stop: WakePipe, inbox: ControlInbox, handler: any ControlRequestHandling, logger: Logger,
        limits: ControlServer.Limits, table: ControlConnectionTable, socketPath: String, socketInode: UInt
    ) {
        self.listener = listener
        self.stop = stop
        self.inbox = inbox
        self.handler = handler
        self.logger = logger
        self.limits = limits
        self.table = table
        self.socketPath = socketPath
        self.socketInode = socketInode
    }

    /// Serves until a stop is asked and the answers in flight are written (or their grace
    /// has passed); then closes every connection and the listener.
    mutating func run() {
        while true {
            let now = monotonicNanoseconds()
            enforceDeadlines(now: now)
            if let stopDeadline, connections.isEmpty || now >= stopDeadline { break }
            var entries = [DescriptorInterest(inbox.wake.readEnd, Int16(POLLIN))]
            let stopIndex = stopDeadline == nil ? entries.count : nil
            if stopIndex != nil { entries.append(DescriptorInterest(stop.readEnd, Int16(POLLIN))) }
            let listenerIndex = listening && now >= acceptPausedUntil ? entries.count : nil
            if listenerIndex != nil { entries.append(DescriptorInterest(listener, Int16(POLLIN))) }
            let first = entries.count
            var polled: [Int] = []
            for (id, connection) in connections {
                let events = connection.pollEvents
                guard events != 0 else { continue }
                entries.append(DescriptorInterest(connection.fd, events))
                polled.append(id)
            }
            let outcome: PollOutcome
            do {
                outcome = try waitForDescriptors(entries, until: nearestDeadline(now: now))
            } catch {
                logger.log(.error, "control socket stopped", [("reason", "poll failed: \(error)")])
                break
            }
            guard case .ready = outcome else { continue }
            let woke = monotonicNanoseconds()
            if let stopIndex, outcome.events(of: stopIndex) != 0 { beginStopping(now: woke) }
            if outcome.events(of: 0) != 0 { deliver(inbox.take(), now: woke) }
            if let listenerIndex, listening, outcome.events(of: listenerIndex) != 0 { acceptWaiting(now: woke) }
            for (offset, id) in polled.enumerated() where outcome.events(of: first + offset) != 0 {
                service(id, revents: outcome.events(of: first + offset), now: woke)
            }
        }
        if !connections.isEmpty, stopDeadline != nil {
            logger.log(
                .warning, "control socket stopped with clients still busy", [("clients", String(connections.count))])
        }
        for id in Array(connections.keys) { closeConnection(id) }
        if listening { closeListener() }
        logger.log(.info, "control socket closed", [("path", socketPath)])
    }

    /// When the wait must end: the nearest deadline (at most a minute away), or none.
    private func nearestDeadline(now: UInt64) -> MonotonicDeadline? {
        var nearest = stopDeadline
        func consider(_ deadline: UInt64?) {
            if let deadline, deadline < nearest ?? .max { nearest = deadline }
        }
        if listening && acceptPausedUntil > now { consider(acceptPausedUntil) }
        for connection in connections.values {
            consider(connection.hasOutput ? connection.writeDeadline : nil)
            consider(connection.inputDeadline(limits))
        }
        guard let nearest else { return nil }
        return MonotonicDeadline(nanoseconds: min(nearest, now + 60_000_000_000))
    }

    // MARK: Clients coming and going

    /// Accepts every connection waiting on the listener.
    private mutating func acceptWaiting(now: UInt64) {
        for _ in 0..<64 {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                if errno == EMFILE || errno == ENFILE {
                    // Out of descriptors: wait a little instead of spinning on a readable listener.
                    logger.log(.warning, "control socket cannot accept", [("reason", "out of file descriptors")])
                    acceptPausedUntil = now + 200_000_000
                }
                return
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            admit(fd, now: now)
        }
    }

    private mutating func admit(_ fd: Int32, now: UInt64) {
        let peer = UnixStream.peerCredentials(fd)
        let fields =
            peer.map { [("pid", String($0.pid)), ("uid", String($0.uid)), ("gid", String($0.gid))] } ?? [
                ("pid", "unknown")
            ]
        UnixStream.setNonBlocking(fd)
        guard let admission = table.admit() else {
            logger.log(
                .warning, "control client refused",
                [("reason", "busy"), ("limit", String(limits.maximumClients))] + fields)
            let answer = ControlValue.error(
                "busy", "all \(limits.maximumClients) control clients have a request in progress; try again shortly")
            // A new socket's buffer is empty: one send takes the line, and it never waits.
            _ = UnixStream.write(Array((answer.json + "\n").utf8), to: fd, deadline: now)
            close(fd)
            return
        }
        logger.log(.info, "control client connected", fields)
        if let victim = admission.evicted, var evicted = connections[victim] {
            let notice = ControlValue.error(
                "idle-closed",
                "closed to make room for another control client (all \(limits.maximumClients) slots taken); reconnect when needed"
            )
            evicted.queue(notice, within: 100_000_000, now: now)
            evicted.phase = .closing
            connections[victim] = evicted
            settle(victim, now: now)
        }
        connections[admission.id] = ControlConnection(
            id: admission.id, fd: fd, peer: peer, maximumRequestBytes: limits.maximumRequestBytes, now: now)
    }

    /// Closes a connection: out of the table, its event stream released, its descriptor closed.
    mutating func closeConnection(_ id: Int) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        table.remove(id)
        inbox.forget(id)
        connection.subscription?.cancel()
        close(connection.fd)
        logger.log(.debug, "control client disconnected", connection.peerFields)
    }

    /// No new clients; idle ones and subscribers close now, answers in flight get a grace.
    private mutating func beginStopping(now: UInt64) {
        stopDeadline = now + Self.stopGraceNanoseconds
        closeListener()
        for (id, connection) in connections
        where connection.phase == .subscribed || (connection.phase != .serving && !connection.hasOutput) {
            closeConnection(id)
        }
    }

    private mutating func closeListener() {
        listening = false
        close(listener)
        // Only our own socket file: another kioskd may have replaced it meanwhile.
        if ControlSocketFile.inode(socketPath) == socketInode { unlink(socketPath) }
    }

    // MARK: Deadlines, reading and writing

    private mutating func enforceDeadlines(now: UInt64) {
        for id in Array(connections.keys) {
            guard var connection = connections[id] else { continue }
            if connection.hasOutput, let deadline = connection.writeDeadline, now >= deadline {
                logger.log(
                    .warning, "control client dropped",
                    [("reason", "answer not taken in time or peer gone")] + connection.peerFields)
                closeConnection(id)
            } else if let deadline = connection.inputDeadline(limits), now >= deadline {
                refuseSlow(&connection, now: now)
                connections[id] = connection
                settle(id, now: now)
            }
        }
    }

    /// Handles what `poll` reported for one connection.
    private mutating func service(_ id: Int, revents: Int16, now: UInt64) {
        guard var connection = connections[id] else { return }
        if revents & Int16(POLLNVAL) != 0 {
            closeConnection(id)
            return
        }
        let readable = revents & Int16(POLLIN | POLLHUP | POLLERR) != 0
        if readable && connection.pollEvents & Int16(POLLIN) != 0 {
            switch connection.read(into: &scratch, now: now) {
            case .data, .wouldBlock: break
            case .ended:
                // A subscriber that closes has gone; a request client may have shut down only
                // its sending side: a last request without its newline is still answered.
                guard connection.phase != .subscribed else {
                    closeConnection(id)
                    return
                }
                connection.inputEnded = true
            case .failed:
                closeConnection(id)
                return
            }
            connections[id] = connection
        }
        settle(id, now: now)
    }

    /// Writes what can be written and moves the connection on: after an answer, to its next
    /// request; after its last line, to closing.
    mutating func settle(_ id: Int, now: UInt64) {
        while var connection = connections[id] {
            var eventsWritten = 0
            let flushed = connection.flush(now: now, writeTimeout: limits.writeTimeoutNanoseconds) { event in
                if event { eventsWritten += 1 }
            }
            for _ in 0..<eventsWritten { inbox.eventWritten(id) }
            connections[id] = connection
            switch flushed {
            case .blocked: return
            case .failed:
                logger.log(
                    .warning, "control client dropped",
                    [("reason", "answer not taken in time or peer gone")] + connection.peerFields)
                closeConnection(id)
                return
            case .done: break
            }
            switch connection.phase {
            case .serving: return
            case .closing:
                closeConnection(id)
                return
            case .subscribed:
                if connection.streamEnded { closeConnection(id) }
                return
            case .reading:
                if connection.inService != nil {
                    // The answer is written: the connection waits for its next request.
                    connection.inService = nil
                    table.endServing(id)
                    guard stopDeadline == nil else {
                        closeConnection(id)
                        return
                    }
                    connection.lastActivity = now
                    connection.lineStarted = connection.buffer.hasPartialLine ? now : nil
                }
                processLines(&connection, now: now)
                connections[id] = connection
                guard connection.hasOutput || connection.phase != .reading else { return }
            }
        }
    }
}
