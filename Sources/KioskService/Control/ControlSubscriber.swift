import KioskControl

#if canImport(Glibc)
    import Glibc
#endif

/// A connection after `subscribe`: one line per event from the handler's stream until the
/// client closes, the stream ends, the server stops, or the client cannot keep up.
struct ControlSubscriber {
    let connection: ControlConnection

    func run(echo: ControlValue?) {
        let handler = connection.handler
        let stream = BlockingWait.run { await handler.subscribe() }
        guard let mailbox = SubscriberMailbox(capacity: connection.limits.subscriberBacklog) else {
            _ = connection.send(.error("unavailable", "the service is out of file descriptors; try again"))
            return
        }
        // Reading the stream is async work; the task only moves events into the mailbox and
        // never blocks. Cancelling it (or leaving the loop) releases the stream, which the
        // handler sees through its `onTermination`.
        let reader = Task {
            for await event in stream {
                if !mailbox.post(event) { break }
                if Task.isCancelled { break }
            }
            mailbox.finish()
        }
        defer { reader.cancel() }
        guard connection.send(ControlConnection.echoing(echo, in: .ok(["subscribed": .bool(true)]))) else { return }
        forward(from: mailbox)
    }

    private func forward(from mailbox: SubscriberMailbox) {
        let fd = connection.fd
        var entries = [
            pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: connection.stop.readEnd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: mailbox.wake.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            for i in entries.indices { entries[i].revents = 0 }
            let ready = poll(&entries, nfds_t(entries.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if entries[1].revents != 0 { return }
            if entries[0].revents != 0 {
                // Anything the client sends now is ignored; end of input means it has gone.
                let n = scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { return }
            }
            if entries[2].revents != 0 {
                let taken = mailbox.take()
                for event in taken.events {
                    guard connection.send(event) else { return }
                }
                if taken.overflowed {
                    connection.logger.log(
                        .warning, "control subscriber dropped",
                        [("reason", "more than \(connection.limits.subscriberBacklog) events waiting")])
                    _ = connection.send(
                        .error("too-slow", "subscriber dropped: it did not read events fast enough"),
                        within: 200_000_000)
                    return
                }
                if taken.ended { return }
            }
        }
    }
}
