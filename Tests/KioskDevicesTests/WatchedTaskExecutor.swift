import KioskSystem

/// A task executor with a thread of its own that lets a test act at the moment a task is
/// woken: `onEnqueue` runs on the thread that woke the task (the one that resumed its
/// continuation or yielded to the stream it waits on), before the job is queued; the job then
/// runs on the executor's thread.
///
/// `@unchecked Sendable`: `jobs`, `running`, `jobsRun` and `finishing` are only touched under
/// `condition`; `onEnqueue` is `Sendable`.
final class WatchedTaskExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = ThreadCondition()
    private var jobs: [UnownedJob] = []
    private var running = false
    private var jobsRun = 0
    private var finishing = false
    private let onEnqueue: @Sendable () -> Void

    /// Starts the executor's thread (`test-executor`).
    init(onEnqueue: @escaping @Sendable () -> Void) {
        self.onEnqueue = onEnqueue
        NamedThread.start("test-executor") { [self] in serve() }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        onEnqueue()
        condition.lock()
        jobs.append(job)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until at least `count` jobs have run and none is running or queued: every task
    /// on this executor is then suspended (or done).
    func idle(afterJobs count: Int) async {
        _ = try? await NamedThread.run("test-idle-wait") { [self] in
            condition.lock()
            while jobsRun < count || running || !jobs.isEmpty { condition.wait() }
            condition.unlock()
        }
    }

    /// Lets the thread end once the queued jobs have run.
    func finish() {
        condition.lock()
        finishing = true
        condition.broadcast()
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
            running = true
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
            condition.lock()
            running = false
            jobsRun += 1
            condition.broadcast()
            condition.unlock()
        }
    }
}
