import KioskControl
import KioskSystem
import Synchronization

/// Events on their way from the handler's `AsyncStream` (read by a task) to a subscriber's
/// connection thread (which writes them). Bounded: when the thread cannot keep up, the
/// mailbox overflows and the subscriber is dropped instead of the service buffering forever.
final class SubscriberMailbox: Sendable {
    struct Contents {
        var events: [ControlValue] = []
        var ended = false
        var overflowed = false
    }

    private let capacity: Int
    private let contents = Mutex(Contents())
    /// Readable when there is something to take.
    let wake: WakePipe

    init?(capacity: Int) {
        guard let wake = try? WakePipe() else { return nil }
        self.capacity = capacity
        self.wake = wake
    }

    /// Adds an event; false once the mailbox has overflowed (the reader should stop).
    func post(_ event: ControlValue) -> Bool {
        let accepted = contents.withLock { contents in
            guard !contents.overflowed else { return false }
            if contents.events.count >= capacity {
                contents.overflowed = true
                contents.events.removeAll()
            } else {
                contents.events.append(event)
            }
            return !contents.overflowed
        }
        wake.signal()
        return accepted
    }

    /// The stream ended (the service finished it, or the reading task was cancelled).
    func finish() {
        contents.withLock { $0.ended = true }
        wake.signal()
    }

    /// Takes everything posted so far.
    func take() -> Contents {
        wake.drain()
        return contents.withLock { contents in
            let taken = contents
            contents.events.removeAll()
            return taken
        }
    }
}
