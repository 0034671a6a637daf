import Dispatch
import Synchronization

/// Runs async work from one of the control server's own threads and blocks that thread (never
/// a thread of the Swift concurrency pool) until the work is done.
enum BlockingWait {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let slot = Slot<T>()
        Task { slot.put(await body()) }
        return slot.take()
    }

    private final class Slot<T: Sendable>: Sendable {
        private let value = Mutex<T?>(nil)
        private let ready = DispatchSemaphore(value: 0)

        func put(_ result: T) {
            value.withLock { $0 = result }
            ready.signal()
        }

        func take() -> T {
            ready.wait()
            return value.withLock { $0! }
        }
    }
}
