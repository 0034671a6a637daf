import KioskDevices
import Synchronization

/// Fans out what happens at the kiosk — each scan handled, printer and scanner changes — to
/// whoever listens: control-socket subscribers, the demo's screen. Slow listeners lose the
/// oldest events (bounded buffers), never block the kiosk.
public final class ServiceEvents: Sendable {
    /// One thing that happened.
    public enum Event: Sendable, Equatable {
        /// A scan (or front-end request) was handled.
        case handled(KioskFlows.Result)
        /// The printer's state changed (`ok`, `paper-out`, …).
        case printer(String)
        /// The scanner's state changed (typed: `ok` with its identity, `missing` with why).
        case scanner(ScannerState)
    }

    private let listeners = Mutex<[Int: AsyncStream<Event>.Continuation]>([:])
    private let nextId = Atomic<Int>(0)

    /// Creates an empty fan-out.
    public init() {}

    /// A new listener's stream; it ends when the listener stops iterating.
    public func subscribe(buffer: Int = 64) -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(buffer))
        let id = nextId.add(1, ordering: .relaxed).newValue
        listeners.withLock { $0[id] = continuation }
        continuation.onTermination = { @Sendable [weak self] _ in
            _ = self?.listeners.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// Sends an event to every listener.
    public func publish(_ event: Event) {
        for continuation in listeners.withLock({ Array($0.values) }) { continuation.yield(event) }
    }
}
