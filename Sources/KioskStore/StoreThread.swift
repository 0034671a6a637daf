import KioskSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

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
/// After a job, the thread looks for the next one for up to ``spin`` (yielding the core)
/// before it sleeps: a caller on the pool usually makes its next call within tens of
/// microseconds (the intake, then `written`, then the completion), and a sleeping thread
/// takes about as long again to be woken (docs/store-performance.md). An idle store sleeps.
///
/// `@unchecked Sendable`: `jobs` and `finishing` are only touched under `condition`.
final class StoreThread: SerialExecutor, @unchecked Sendable {
    /// What the thread is doing, for ``state``.
    enum State: Int {
        case running = 0
        case spinning = 1
        case sleeping = 2
    }

    /// How long the thread looks for a next job before it sleeps (nil: until one comes; tests).
    let spin: Duration?
    private let condition = ThreadCondition()
    private var jobs: [UnownedJob] = []
    private var finishing = false
    private let id = Atomic<Int32>(0)
    /// Jobs queued and not yet taken: read without the lock while the thread spins.
    private let queued = Atomic<Int>(0)
    private let currentState = Atomic<Int>(State.running.rawValue)
    private let sleepCount = Atomic<Int>(0)
    /// ``finish()`` was called: read without the lock while the thread spins.
    private let finishRequested = Atomic<Bool>(false)

    /// Starts the thread, named `name` (as `ps -L` and debuggers show it); `spin` is how long
    /// it looks for a next job before it sleeps.
    init(name: String, spin: Duration? = .microseconds(150)) {
        self.spin = spin
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

    /// What the thread is doing now (tests, diagnostics).
    var state: State { State(rawValue: currentState.load(ordering: .acquiring)) ?? .running }

    /// How many times the thread has gone to sleep for want of a job (tests, diagnostics).
    var sleeps: Int { sleepCount.load(ordering: .acquiring) }

    /// Queues a job of the store actor; it runs on the thread, after those before it.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        queued.add(1, ordering: .releasing)
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
        finishRequested.store(true, ordering: .releasing)
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            if queued.load(ordering: .acquiring) == 0 { spinForNextJob() }
            condition.lock()
            if jobs.isEmpty && !finishing {
                sleepCount.add(1, ordering: .releasing)
                currentState.store(State.sleeping.rawValue, ordering: .releasing)
                repeat { condition.wait() } while jobs.isEmpty && !finishing
            }
            currentState.store(State.running.rawValue, ordering: .releasing)
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            queued.subtract(1, ordering: .releasing)
            condition.unlock()
            job.runSynchronously(on: asUnownedSerialExecutor())
        }
    }

    /// Looks for a queued job for up to ``spin``, giving the core to any other thread that
    /// wants it (`sched_yield`) between looks.
    private func spinForNextJob() {
        currentState.store(State.spinning.rawValue, ordering: .releasing)
        let deadline = spin.map { ContinuousClock.now + $0 }
        while queued.load(ordering: .acquiring) == 0 {
            if let deadline, ContinuousClock.now >= deadline { return }
            if finishRequested.load(ordering: .acquiring) { return }
            sched_yield()
        }
    }
}
