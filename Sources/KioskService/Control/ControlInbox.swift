import KioskControl
import KioskSystem
import Synchronization

/// What the service's tasks hand to the control server's thread: answers to requests, and
/// events for subscribers. Tasks only post (never wait); the thread polls ``wake``.
///
/// Bounded: at most one answer per connection is in flight (a connection's next request is
/// read only once its answer is written), and each subscriber may have `subscriberBacklog`
/// events posted and not yet written. One more and the subscriber overflows: later events are
/// dropped and the thread drops the subscriber as too slow (logging it, then closing it, which
/// cancels its reader task), instead of the service buffering for a client that does not read.
final class ControlInbox: Sendable {
    /// One thing for the server's thread.
    enum Message {
        /// The service's answer to a connection's request (or a subscriber's acknowledgement).
        case answer(ControlValue, connection: Int)
        /// An event for a subscriber.
        case event(ControlValue, connection: Int)
        /// The subscriber fell too far behind.
        case overflowed(connection: Int)
        /// The service ended the subscriber's event stream.
        case streamEnded(connection: Int)
    }

    private struct State {
        var messages: [Message] = []
        /// Events posted and not yet written, by subscriber; a subscriber not here is gone.
        var backlog: [Int: Int] = [:]
        /// Subscribers that overflowed, until the thread closes them.
        var overflowed: Set<Int> = []
    }

    private let state = Mutex(State())
    private let subscriberBacklog: Int
    /// Readable when messages wait.
    let wake: WakePipe

    init(subscriberBacklog: Int) throws(SystemError) {
        self.subscriberBacklog = subscriberBacklog
        wake = try WakePipe()
    }

    /// An answer for `connection` (dropped by the thread if the connection has closed).
    func answer(_ value: ControlValue, to connection: Int) {
        state.withLock { $0.messages.append(.answer(value, connection: connection)) }
        wake.signal()
    }

    /// Starts counting `connection`'s backlog: it is a subscriber now.
    func openSubscription(_ connection: Int) {
        state.withLock { $0.backlog[connection] = 0 }
    }

    /// An event for subscriber `connection`; false when the reader should stop (the
    /// subscriber is gone). Past the backlog the event is dropped, and the thread told once.
    func post(_ event: ControlValue, to connection: Int) -> Bool {
        let accepted = state.withLock { state -> Bool in
            guard let waiting = state.backlog[connection] else { return false }
            guard !state.overflowed.contains(connection) else { return true }
            guard waiting < subscriberBacklog else {
                state.overflowed.insert(connection)
                state.messages.append(.overflowed(connection: connection))
                return true
            }
            state.backlog[connection] = waiting + 1
            state.messages.append(.event(event, connection: connection))
            return true
        }
        wake.signal()
        return accepted
    }

    /// The service ended subscriber `connection`'s stream.
    func endOfStream(_ connection: Int) {
        state.withLock { $0.messages.append(.streamEnded(connection: connection)) }
        wake.signal()
    }

    /// One event line of `connection` was written.
    func eventWritten(_ connection: Int) {
        state.withLock { state in
            if let waiting = state.backlog[connection] { state.backlog[connection] = max(0, waiting - 1) }
        }
    }

    /// The connection closed: its reader stops at its next event.
    func forget(_ connection: Int) {
        state.withLock { state in
            state.backlog.removeValue(forKey: connection)
            state.overflowed.remove(connection)
        }
    }

    /// Takes every message posted so far, oldest first.
    func take() -> [Message] {
        wake.drain()
        return state.withLock { state in
            defer { state.messages.removeAll() }
            return state.messages
        }
    }
}
