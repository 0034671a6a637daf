import KioskControl
import KioskSystem

/// Requests: read line by line, refused at once when malformed, otherwise handed to the
/// service as a task whose answer comes back through the inbox; subscriptions as a task that
/// moves the service's events into the inbox.
extension ControlEventLoop {
    /// Serves the complete lines buffered, one request at a time, in order.
    mutating func processLines(_ connection: inout ControlConnection, now: UInt64) {
        while connection.phase == .reading && !connection.hasOutput {
            switch connection.buffer.next() {
            case .line(let line):
                serve(line, &connection, now: now)
                connection.lastActivity = now
                connection.lineStarted = connection.buffer.hasPartialLine ? now : nil
            case .tooLarge:
                refuseTooLarge(&connection, now: now)
            case .needMore:
                guard connection.inputEnded else { return }
                // End of input: a last request sent without its newline is still answered.
                if connection.buffer.hasPartialLine {
                    serve(connection.buffer.takePartialLine(), &connection, now: now)
                } else {
                    connection.phase = .closing
                }
            }
        }
    }

    private func serve(_ line: [UInt8], _ connection: inout ControlConnection, now: UInt64) {
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        let value: ControlValue
        do {
            value = try ControlValue.parse(line)
        } catch {
            logger.log(
                .info, "control request refused",
                [("error", "bad-request"), ("reason", error.reason)] + connection.peerFields)
            answer(&connection, ControlRequestError.badRequest(error.description).answer, now: now)
            return
        }
        let echo = value["id"]
        let request: ControlRequest
        do {
            request = try ControlRequest.decode(value)
        } catch {
            logger.log(.info, "control request refused", [("error", error.code)] + connection.peerFields)
            answer(&connection, Self.echoing(echo, in: error.answer), now: now)
            return
        }
        logger.log(.info, "control request", [("request", request.name)] + connection.peerFields)
        if request == .subscribe {
            subscribe(&connection, echo: echo, now: now)
            return
        }
        guard table.beginServing(connection.id) else {
            connection.phase = .closing
            return
        }
        connection.phase = .serving
        connection.inService = (request, echo)
        let handler = self.handler
        let inbox = self.inbox
        let id = connection.id
        Task { inbox.answer(await request.perform(on: handler), to: id) }
    }

    /// Moves the connection to the subscriber budget and starts the task that reads the
    /// service's events for it; a full budget is answered `busy` and the connection closed.
    private func subscribe(_ connection: inout ControlConnection, echo: ControlValue?, now: UInt64) {
        guard table.subscribe(connection.id) else {
            let busy = ControlValue.error(
                "busy", "all \(limits.maximumSubscribers) subscriber slots are taken; try again later")
            answer(&connection, Self.echoing(echo, in: busy), now: now)
            connection.phase = .closing
            return
        }
        connection.phase = .subscribed
        inbox.openSubscription(connection.id)
        let handler = self.handler
        let inbox = self.inbox
        let id = connection.id
        let acknowledgement = Self.echoing(echo, in: .ok(["subscribed": .bool(true)]))
        // The task only moves events into the inbox and never waits for the client; cancelling
        // it (the connection closed) releases the stream, which the service sees through its
        // `onTermination`.
        connection.subscription = Task {
            let stream = await handler.subscribe()
            inbox.answer(acknowledgement, to: id)
            for await event in stream {
                if !inbox.post(event, to: id) || Task.isCancelled { break }
            }
            inbox.endOfStream(id)
        }
    }

    /// Takes the answers and events the service's tasks handed over.
    mutating func deliver(_ messages: [ControlInbox.Message], now: UInt64) {
        for message in messages {
            switch message {
            case .answer(let value, let id):
                guard var connection = connections[id] else { continue }
                switch connection.phase {
                case .serving:
                    guard let (request, echo) = connection.inService else { continue }
                    if case .requeue(let event, let all) = request {
                        logRequeue(event: event, all: all, answer: value, connection)
                    }
                    if case .release(let job, let all) = request {
                        logRelease(job: job, all: all, answer: value, connection)
                    }
                    answer(&connection, Self.echoing(echo, in: value), now: now)
                    // Back to reading once the answer is written (``settle(_:now:)``).
                    connection.phase = .reading
                case .subscribed:
                    answer(&connection, value, now: now)
                case .reading, .closing:
                    continue
                }
                connections[id] = connection
                settle(id, now: now)
            case .event(let value, let id):
                guard var connection = connections[id], connection.phase == .subscribed else { continue }
                connection.queue(value, event: true, within: limits.writeTimeoutNanoseconds, now: now)
                connections[id] = connection
                settle(id, now: now)
            case .overflowed(let id):
                guard var connection = connections[id], connection.phase == .subscribed else { continue }
                logger.log(
                    .warning, "control subscriber dropped",
                    [("reason", "more than \(limits.subscriberBacklog) events waiting")] + connection.peerFields)
                connection.dropWaitingLines()
                connection.queue(
                    .error("too-slow", "subscriber dropped: it did not read events fast enough"),
                    within: 200_000_000, now: now)
                connection.phase = .closing
                connections[id] = connection
                settle(id, now: now)
            case .streamEnded(let id):
                guard var connection = connections[id], connection.phase == .subscribed else { continue }
                connection.streamEnded = true
                connections[id] = connection
                settle(id, now: now)
            }
        }
    }

    private func answer(_ connection: inout ControlConnection, _ value: ControlValue, now: UInt64) {
        connection.queue(value, within: limits.writeTimeoutNanoseconds, now: now)
    }

    /// Closes a client that stayed idle, or sends its request too slowly, with a line saying so.
    func refuseSlow(_ connection: inout ControlConnection, now: UInt64) {
        let inRequest = connection.lineStarted != nil
        let code = inRequest ? "request-timeout" : "idle-timeout"
        let message =
            inRequest
            ? "request line not complete within \(limits.requestTimeout); the connection is closed"
            : "no request within \(limits.idleTimeout); the connection is closed (reconnect when needed)"
        logger.log(.info, "control client closed", [("reason", code)] + connection.peerFields)
        connection.queue(.error(code, message), within: 100_000_000, now: now)
        connection.phase = .closing
    }

    private func refuseTooLarge(_ connection: inout ControlConnection, now: UInt64) {
        logger.log(
            .warning, "control request refused",
            [("error", "too-large"), ("limit", String(limits.maximumRequestBytes))] + connection.peerFields)
        let refusal = ControlRequestError(
            code: "too-large",
            message: "request line longer than \(limits.maximumRequestBytes) bytes; the connection is closed",
            extra: ["limit": .int(Int64(limits.maximumRequestBytes))]
        ).answer
        answer(&connection, refusal, now: now)
        connection.phase = .closing
    }

    /// Every requeue is on record: who asked (uid, user, pid), for which event, how many.
    private func logRequeue(event: String?, all: Bool, answer: ControlValue, _ connection: ControlConnection) {
        var fields: [(String, String)] = [("event", event ?? "all")]
        if answer["ok"] == .bool(true) {
            fields.append(("count", String(answer["requeued"]?.arrayValue?.count ?? 0)))
        } else {
            fields.append(("error", answer["error"]?.stringValue ?? "unknown"))
        }
        if let peer = connection.peer {
            fields.append(("user", UnixStream.userName(uid: peer.uid) ?? "uid \(peer.uid)"))
        }
        logger.log(
            answer["ok"] == .bool(true) ? .notice : .warning,
            answer["ok"] == .bool(true) ? "dead letters requeued" : "requeue refused", fields + connection.peerFields)
    }

    /// Every release of a held print job is on record too: who asked, which jobs, or why not.
    private func logRelease(job: Int64?, all: Bool, answer: ControlValue, _ connection: ControlConnection) {
        var fields: [(String, String)] = [("job", job.map { String($0) } ?? "all")]
        let released = answer["released"]?.arrayValue?.compactMap(\.intValue).map { String($0) } ?? []
        fields.append(("released", released.isEmpty ? "none" : released.joined(separator: ",")))
        if answer["ok"] != .bool(true) { fields.append(("error", answer["error"]?.stringValue ?? "unknown")) }
        if let peer = connection.peer {
            fields.append(("user", UnixStream.userName(uid: peer.uid) ?? "uid \(peer.uid)"))
        }
        logger.log(
            answer["ok"] == .bool(true) ? .notice : .warning,
            answer["ok"] == .bool(true) ? "held print jobs released" : "release refused",
            fields + connection.peerFields)
    }

    /// Puts the request's `id` into the answer (wrapping a non-object answer in `value`).
    static func echoing(_ id: ControlValue?, in answer: ControlValue) -> ControlValue {
        guard let id else { return answer }
        guard case .object(var fields) = answer else { return .object(["ok": .bool(true), "value": answer, "id": id]) }
        fields["id"] = id
        return .object(fields)
    }
}
