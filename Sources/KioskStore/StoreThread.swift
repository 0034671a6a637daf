import KioskSystem
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The store's own thread: a serial executor that runs the store actor's jobs, one at a
/// time, on a dedicated OS thread.
///
/// Every write waits for `fsync` (`synchronous=FULL`), and a read of a large backlog can take
/// a while; on the Swift concurrency pool, with one thread per core, each such wait would
/// hold one of the few threads every other task needs. GRDB keeps its connection on one
/// serial queue for the same reason. The thread ends once the store is gone and the jobs
/// already queued have run.
///
/// Every job of the store actor runs here: the thread's kernel id is kept (``threadID``) so
/// a test can compare it with the id a job runs on, not only the thread's name.
///
/// `@unchecked Sendable`: `jobs` and `finishing` are only touched under `condition`.
final class StoreThread: SerialExecutor, @unchecked Sendable {
    private let condition = ThreadCondition()
    private var jobs: [UnownedJob] = []
    private var finishing = false
    private let id = Atomic<Int32>(0)

    /// Starts the thread, named `name` (as `ps -L` and debuggers show it).
    init(name: String) {
        // Named by the thread itself before its first job (`NamedThread`): Foundation's
        // `Thread.current.name` lost the name whenever the new thread ran before its creator
        // had stored the thread's handle, and the thread then kept the name of the Dispatch
        // worker that created it.
        NamedThread.start(name) { [self] in
            id.store(NamedThread.currentID, ordering: .releasing)
            serve()
        }
    }

    /// The thread's kernel id (`gettid`); 0 until the thread has started.
    var threadID: Int32 { id.load(ordering: .acquiring) }

    /// Queues a job of the store actor; it runs on the thread, after those before it.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// This executor, as the actor's `unownedExecutor`.
    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread end once the queued jobs have run (the store's deinit).
    func finish() {
        condition.lock()
        finishing = true
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty && !finishing { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }
}
