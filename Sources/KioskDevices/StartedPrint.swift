import Synchronization

/// A job handed to the printer link without waiting (`PrinterLink.startSend`): what came of
/// its transfer, settled once by the link's thread, awaited by whoever records the job's steps
/// (the print queue) when it gets to it — the same answer `sendWithConfirmation` returns.
public final class StartedPrint: Sendable {
    private typealias Outcome = (result: Result<PrintTransfer, PrintRefusal>, confirmation: PrintConfirmation?)

    private let state = Mutex<(outcome: Outcome?, waiters: [CheckedContinuation<Outcome, Never>])>((nil, []))

    init() {}

    /// The transfer (and, when it was written whole, the job's check), once the link's thread
    /// has written the job; throws `PrintRefusal` when nothing was sent (the port is closed,
    /// the link stopped or too many requests were waiting).
    nonisolated(nonsending) public func sent() async throws(PrintRefusal) -> (
        transfer: PrintTransfer, confirmation: PrintConfirmation?
    ) {
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
            let ready = state.withLock { s -> Outcome? in
                if let outcome = s.outcome { return outcome }
                s.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return (try outcome.result.get(), outcome.confirmation)
    }

    /// Whether the link's thread has settled the transfer.
    public var isSettled: Bool { state.withLock { $0.outcome != nil } }

    /// Settles the transfer; every waiter is resumed. Only the first call counts.
    func settle(_ result: Result<PrintTransfer, PrintRefusal>, _ confirmation: PrintConfirmation?) {
        let waiters = state.withLock { s -> [CheckedContinuation<Outcome, Never>] in
            guard s.outcome == nil else { return [] }
            s.outcome = (result, confirmation)
            defer { s.waiters = [] }
            return s.waiters
        }
        for waiter in waiters { waiter.resume(returning: (result, confirmation)) }
    }
}
