import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// One client of the control socket, served on its own thread: reads request lines, answers
/// each with one line, or becomes an event stream after `subscribe`. Owns and closes `fd`.
struct ControlConnection {
    let fd: Int32
    let peer: UnixStream.PeerCredentials?
    let handler: any ControlRequestHandling
    let logger: Logger
    let stop: WakePipe
    let limits: ControlServer.Limits

    private var peerFields: [(String, String)] {
        guard let peer else { return [("pid", "unknown")] }
        return [("pid", String(peer.pid)), ("uid", String(peer.uid))]
    }

    /// Serves until the client closes, breaks a rule, or the server stops.
    func run() {
        defer {
            close(fd)
            logger.log(.debug, "control client disconnected", peerFields)
        }
        UnixStream.setNonBlocking(fd)
        var buffer = ControlLineBuffer(maximumLineBytes: limits.maximumRequestBytes)
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while true {
            lines: while true {
                switch buffer.next() {
                case .line(let line):
                    guard serve(line) else { return }
                case .tooLarge:
                    refuseTooLarge()
                    return
                case .needMore:
                    break lines
                }
            }
            guard waitReadable() else { return }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                chunk.withUnsafeBytes { buffer.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            } else if n == 0 {
                // End of input: a last request sent without its newline is still answered.
                if buffer.hasPartialLine { _ = serve(buffer.takePartialLine()) }
                return
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                return
            }
        }
    }

    /// Waits for input or a stop; false when the server is stopping.
    private func waitReadable() -> Bool {
        var entries = [
            pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stop.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let ready = poll(&entries, 2, -1)
            if ready < 0 && errno == EINTR { continue }
            return ready > 0 && entries[1].revents == 0
        }
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
            ControlSubscriber(connection: self).run(echo: echo)
            return false
        }
        let handler = self.handler
        let answer = BlockingWait.run { await request.perform(on: handler) }
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
