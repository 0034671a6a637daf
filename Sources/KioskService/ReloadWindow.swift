import Synchronization

/// Which kiosk is running, and a wait for the next one while a reload swaps it.
///
/// What outlives a reload (the scanner) asks here for the kiosk to hand its work to. Between
/// the old kiosk's stop and the new one's start the answer waits, at most `maximumWait`, so
/// a scan read during a reload is handled by the new configuration instead of being refused.
actor ReloadWindow {
    /// The longest a caller waits for a kiosk during a reload.
    let maximumWait: Duration
    private var current: RunningKiosk?
    private var waiters: [Int: CheckedContinuation<RunningKiosk?, Never>] = [:]
    private var nextWaiter = 0
    private var shut = false
    /// `current`, readable without entering the actor: the scanner's path to the kiosk takes
    /// no hop while no reload is swapping it.
    private nonisolated let published = Mutex<RunningKiosk?>(nil)

    /// A window with no kiosk yet.
    init(maximumWait: Duration = .seconds(30)) {
        self.maximumWait = maximumWait
    }

    /// Sets the running kiosk (nil while a reload swaps it); waiting callers get it at once.
    func open(_ kiosk: RunningKiosk?) {
        current = kiosk
        published.withLock { $0 = shut ? nil : kiosk }
        guard let kiosk else { return }
        let resumed = waiters.values
        waiters = [:]
        for waiter in resumed { waiter.resume(returning: kiosk) }
    }

    /// The service is stopping: whoever waits for a kiosk gets none, at once, from now on
    /// (a stop never waits behind a reload).
    func shutForStop() {
        shut = true
        published.withLock { $0 = nil }
        let released = waiters.values
        waiters = [:]
        for waiter in released { waiter.resume(returning: nil) }
    }

    /// The running kiosk when one is running (nil during a reload and once stopping), read
    /// without entering the actor.
    nonisolated var running: RunningKiosk? { published.withLock { $0 } }

    /// The running kiosk, waiting up to `maximumWait` while there is none; nil after that,
    /// and at once when the service is stopping.
    func kiosk() async -> RunningKiosk? {
        if let current { return current }
        if shut { return nil }
        let id = nextWaiter
        nextWaiter += 1
        let limit = maximumWait
        let timer = Task {
            try? await Task.sleep(for: limit)
            self.expire(id)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { waiters[id] = $0 }
    }

    private func expire(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume(returning: nil)
    }
}
