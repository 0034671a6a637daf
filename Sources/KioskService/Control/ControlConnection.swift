import KioskControl
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// One client of the control socket, served on its own thread: reads request lines, answers
/// each with one line, or becomes an event stream after `subscribe`. Owns and closes `fd`.
///
/// Deadlines (``ControlServer/Limits``): with no request in progress the client must send
/// within `idleTimeout`; once a request line has begun it must end within `requestTimeout`.
/// Either answers an error line (`idle-timeout`, `request-timeout`) and closes. Subscribers
/// are exempt: they only read.
struct ControlConnection {
    let fd: Int32
    let peer: UnixStream.PeerCredentials?
    let handler: any ControlRequestHandling
    let logger: Logger
    let stop: WakePipe
    let limits: ControlServer.Limits
    /// Its entry in the server's connection table.
    let id: Int
    let table: ControlConnectionTable

    private var peerFields: [(String, String)] {
        guard let peer else { return [("pid", "unknown")] }
        return [("pid", String(peer.pid)), ("uid", String(peer.uid))]
    }

    /// Serves until the client closes, breaks a rule, or the server stops.
    func run() {
        defer {
            // Out of the table before the descriptor is closed: the table may shut it down.
            table.remove(id)
            close(fd)
            logger.log(.debug, "control client disconnected", peerFields)
        }
        UnixStream.setNonBlocking(fd)
        var buffer = ControlLineBuffer(maximumLineBytes: limits.maximumRequestBytes)
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var lastActivity = monotonicNanoseconds()
        var lineStarted: UInt64? = nil
        while true {
            lines: while true {
                switch buffer.next() {
                case .line(let line):
                    guard serve(line) else { return }
                    lastActivity = monotonicNanoseconds()
                    lineStarted = buffer.hasPartialLine ? lastActivity : nil
                case .tooLarge:
                    refuseTooLarge()
                    return
                case .needMore:
                    break lines
                }
            }
            let deadline =
                lineStarted.map { $0 + limits.requestTimeoutNanoseconds }
                ?? lastActivity + limits.idleTimeoutNanoseconds
            switch waitReadable(until: deadline) {
            case .readable: break
            case .stopping: return
            case .timedOut:
                refuseSlow(inRequest: lineStarted != nil)
                return
            }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                chunk.withUnsafeBytes { buffer.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                if lineStarted == nil { lineStarted = monotonicNanoseconds() }
            } else if n == 0 {
                // End of input: a last request sent without its newline is still answered.
                if buffer.hasPartialLine { _ = serve(buffer.takePartialLine()) }
                return
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                return
            }
        }
    }

    /// What waiting for input came to.
    private enum Wait {
        case readable, stopping, timedOut
    }

    /// Waits for input, a stop, or the deadline (monotonic ns).
    private func waitReadable(until deadline: UInt64) -> Wait {
        switch try? waitForDescriptor(fd, stop: stop.readEnd, until: MonotonicDeadline(nanoseconds: deadline)) {
        case .ready: return .readable
        case .timedOut: return .timedOut
        case .stopped, nil: return .stopping
        }
    }

    /// Closes a client that stayed idle, or sends its request too slowly, with a line saying so.
    private func refuseSlow(inRequest: Bool) {
        guard !table.wasEvicted(id) else { return }
        let code = inRequest ? "request-timeout" : "idle-timeout"
        let message =
            inRequest
            ? "request line not complete within \(limits.requestTimeout); the connection is closed"
            : "no request within \(limits.idleTimeout); the connection is closed (reconnect when needed)"
        logger.log(.info, "control client closed", [("reason", code)] + peerFields)
        _ = send(ControlValue.error(code, message), within: 100_000_000)
    }

    /// Answers one line; false when the connection must close.
    private func serve(_ line: [UInt8]) -> Bool {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return true }
        let value: ControlValue
        do {
            value = try ControlValue.parse(line)
        } catch {
            logger.log(
                .info, "control request refused", [("error", "bad-request"), ("reason", error.reason)] + peerFields)
            return send(ControlRequestError.badRequest(error.description).answer)
        }
        let echo = value["id"]
        let request: ControlRequest
        do {
            request = try ControlRequest.decode(value)
        } catch {
            logger.log(.info, "control request refused", [("error", error.code)] + peerFields)
            return send(Self.echoing(echo, in: error.answer))
        }
        logger.log(.info, "control request", [("request", request.name)] + peerFields)
        if request == .subscribe {
            guard table.subscribe(id) else {
                if table.wasEvicted(id) { return false }
                _ = send(
                    Self.echoing(
                        echo,
                        in: .error(
                            "busy",
                            "all \(limits.maximumSubscribers) subscriber slots are taken; try again later")))
                return false
            }
            ControlSubscriber(connection: self).run(echo: echo)
            return false
        }
        // Closed to make room meanwhile: its request is not served (nobody reads the answer).
        guard table.beginServing(id) else { return false }
        let handler = self.handler
        let answer = BlockingWait.run { await request.perform(on: handler) }
        defer { table.endServing(id) }
        if case .requeue(let id, let all) = request { logRequeue(id: id, all: all, answer: answer) }
        return send(Self.echoing(echo, in: answer))
    }

    /// Every requeue is on record: who asked (uid, user, pid), for which event, how many.
    private func logRequeue(id: String?, all: Bool, answer: ControlValue) {
        var fields: [(String, String)] = [("event", id ?? "all")]
        if answer["ok"] == .bool(true) {
            fields.append(("count", String(answer["requeued"]?.arrayValue?.count ?? 0)))
        } else {
            fields.append(("error", answer["error"]?.stringValue ?? "unknown"))
        }
        if let peer { fields.append(("user", UnixStream.userName(uid: peer.uid) ?? "uid \(peer.uid)")) }
        logger.log(
            answer["ok"] == .bool(true) ? .notice : .warning,
            answer["ok"] == .bool(true) ? "dead letters requeued" : "requeue refused", fields + peerFields)
    }

    /// Puts the request's `id` into the answer (wrapping a non-object answer in `value`).
    static func echoing(_ id: ControlValue?, in answer: ControlValue) -> ControlValue {
        guard let id else { return answer }
        guard case .object(var fields) = answer else { return .object(["ok": .bool(true), "value": answer, "id": id]) }
        fields["id"] = id
        return .object(fields)
    }

    private func refuseTooLarge() {
        logger.log(
            .warning, "control request refused",
            [("error", "too-large"), ("limit", String(limits.maximumRequestBytes))] + peerFields)
        let answer = ControlRequestError(
            code: "too-large",
            message: "request line longer than \(limits.maximumRequestBytes) bytes; the connection is closed",
            extra: ["limit": .int(Int64(limits.maximumRequestBytes))]
        ).answer
        _ = send(answer)
    }

    /// Writes one answer line, bounded by the write timeout; false when the client is gone or stuck.
    func send(_ answer: ControlValue, within nanoseconds: UInt64? = nil) -> Bool {
        let deadline = monotonicNanoseconds() + (nanoseconds ?? limits.writeTimeoutNanoseconds)
        let sent = UnixStream.write(Array((answer.json + "\n").utf8), to: fd, deadline: deadline)
        if !sent {
            logger.log(
                .warning, "control client dropped", [("reason", "answer not taken in time or peer gone")] + peerFields)
        }
        return sent
    }
}
