import KioskControl
import KioskSystem

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
        var scratch = [UInt8](repeating: 0, count: 4096)
        while true {
            let outcome = try? waitForDescriptors([fd, mailbox.wake.readEnd], stop: connection.stop.readEnd)
            guard case .ready = outcome else { return }
            if outcome?.events(of: 0) ?? 0 != 0 {
                // Anything the client sends now is ignored; end of input means it has gone.
                let n = scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { return }
            }
            if outcome?.events(of: 1) ?? 0 != 0 {
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
