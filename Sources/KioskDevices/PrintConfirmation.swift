import Synchronization

/// The coming outcome of one job's check after it was written whole: taken, in the order the
/// jobs were sent, with `PrinterLink.claimConfirmation()` and awaited with `outcome`, so a
/// caller can send the next job before the printer has finished printing this one.
public final class PrintConfirmation: Sendable {
    private let state = Mutex<(outcome: PrintOutcome?, waiters: [CheckedContinuation<PrintOutcome, Never>])>((nil, []))

    init() {}

    init(resolved outcome: PrintOutcome) { state.withLock { $0.outcome = outcome } }

    /// The outcome, once the check has settled.
    public var outcome: PrintOutcome {
        get async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { s -> PrintOutcome? in
                    if let outcome = s.outcome { return outcome }
                    s.waiters.append(continuation)
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    /// Settles the check; every waiter is resumed.
    func resolve(_ outcome: PrintOutcome) {
        let waiters = state.withLock { s in
            defer { s.waiters = [] }
            s.outcome = outcome
            return s.waiters
        }
        for waiter in waiters { waiter.resume(returning: outcome) }
    }
}
