import KioskControl
import KioskSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Who holds the control socket's slots, and the one place that decides admission: request
/// clients and subscribers have budgets of their own, so that one kind cannot starve the
/// other; and when every request slot is taken, the connection that has waited longest
/// without a request being served is closed (`idle-closed`) to admit the new one, so sixteen
/// idle or trickling clients cannot lock out `kioskctl status` or a front end's intake.
final class ControlConnectionTable: Sendable {
    /// What a connection is doing, as far as admission cares.
    enum Activity: Equatable {
        /// Waiting for (or receiving) its next request since this time (monotonic ns).
        case waiting(since: UInt64)
        /// Its request is with the service: never closed to make room.
        case serving
        /// A subscriber: counted in the subscriber budget.
        case subscribed
    }

    private struct Entry {
        var fd: Int32
        var activity: Activity
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var nextId = 0
    }

    private let state = Mutex(State())
    private let maximumClients: Int
    private let maximumSubscribers: Int

    init(maximumClients: Int, maximumSubscribers: Int) {
        self.maximumClients = maximumClients
        self.maximumSubscribers = maximumSubscribers
    }

    /// Connections now (request clients and subscribers).
    var count: Int { state.withLock { $0.entries.count } }

    /// Admits `fd`: its id, or nil when every request slot is serving a request (answer busy).
    /// A connection closed to make room gets `notice` written and is shut down; its own thread
    /// then sees the end and leaves (``remove(_:)``).
    func admit(_ fd: Int32, notice: [UInt8]) -> Int? {
        state.withLock { state in
            let clients = state.entries.filter { $0.value.activity != .subscribed }
            if clients.count >= maximumClients {
                let oldest = clients.compactMap { id, entry -> (Int, UInt64)? in
                    guard case .waiting(let since) = entry.activity else { return nil }
                    return (id, since)
                }.min { $0.1 < $1.1 }
                guard let (victim, _) = oldest, let entry = state.entries.removeValue(forKey: victim) else {
                    return nil
                }
                // Under the lock: the victim's thread cannot close the descriptor meanwhile,
                // nor start serving (``beginServing(_:)`` finds it gone).
                _ = UnixStream.write(notice, to: entry.fd, deadline: monotonicNanoseconds() + 20_000_000)
                shutdown(entry.fd, Int32(SHUT_RDWR))
            }
            let id = state.nextId
            state.nextId += 1
            state.entries[id] = Entry(fd: fd, activity: .waiting(since: monotonicNanoseconds()))
            return id
        }
    }

    /// The connection's request goes to the service; false when it was closed to make room.
    func beginServing(_ id: Int) -> Bool {
        state.withLock { state in
            guard state.entries[id] != nil else { return false }
            state.entries[id]?.activity = .serving
            return true
        }
    }

    /// The answer was written: the connection waits for its next request.
    func endServing(_ id: Int) {
        state.withLock { $0.entries[id]?.activity = .waiting(since: monotonicNanoseconds()) }
    }

    /// Moves the connection to the subscriber budget; false when that budget is full (or the
    /// connection was closed to make room).
    func subscribe(_ id: Int) -> Bool {
        state.withLock { state in
            guard state.entries[id] != nil else { return false }
            let subscribers = state.entries.values.filter { $0.activity == .subscribed }.count
            guard subscribers < maximumSubscribers else { return false }
            state.entries[id]?.activity = .subscribed
            return true
        }
    }

    /// Whether the connection was closed to make room (its thread should just leave).
    func wasEvicted(_ id: Int) -> Bool { state.withLock { $0.entries[id] == nil } }

    /// Forgets the connection; call before closing its descriptor.
    func remove(_ id: Int) { state.withLock { _ = $0.entries.removeValue(forKey: id) } }
}
