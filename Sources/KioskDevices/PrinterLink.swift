import KioskSystem
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// The kiosk's receipt printer: owns its serial port on a thread of its own, reopens it by
/// path with backoff when the device is missing or gone — at once when the device's folder
/// changes (hot-plug, `HotPlugWatch`) — and prints jobs in two steps, `send` (checked before,
/// every byte written and drained) and `confirm` (the printer processed it and reports no
/// fault), so the print queue can record each step in the job's row. A job's check runs on
/// the link's thread while it takes further requests: the next job is sent without waiting
/// for the printer to finish printing the one before. Where the profile has Automatic Status
/// Back, the printer pushes its state and a fresh pushed state stands for asking.
///
/// Blocking I/O never runs on the Swift concurrency pool: requests are handed to the link's
/// thread and callers suspend on a continuation until it answers. The asking calls are
/// `nonisolated(nonsending)`: they run on the caller's executor and the answer resumes the
/// caller there, so a request costs one hand-off to the link's thread and one back, with no
/// stop on the generic executor in between. At most
/// `maximumWaitingRequests` requests wait; beyond that, callers get the last known state (or
/// a refusal) at once. While a job is being sent or confirmed, a status request is answered
/// at once with the state the job was started in (unless that was a fault): the check after
/// one citizen's receipt never holds the next citizen's scan.
public final class PrinterLink: Sendable {
    private enum Request {
        case status(CheckedContinuation<PrinterState, Never>)
        case signal([UInt8])
        /// A job; `claimed` when the sender takes the confirmation (`sendWithConfirmation`,
        /// `startSend`); `reply` gets what came of the transfer (a continuation resumed, or a
        /// `StartedPrint` settled).
        case send([UInt8], claimed: Bool, reply: @Sendable (Sent) -> Void)
    }

    private struct Shared {
        var requests: [Request] = []
        var state: PrinterState = .missing
        /// Whether the first check has been published (before it, `state` means nothing).
        var checked = false
        /// A job was sent and is not yet confirmed.
        var jobInProgress = false
        var detail: String?
        var stopping = false
        var finished = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        var listeners: [Int: AsyncStream<PrinterState>.Continuation] = [:]
        var nextListener = 0
        /// When `state` was last seen to hold (monotonic nanoseconds): a probe's answer, a
        /// pushed status, or, while the printer pushes, the last byte it sent.
        var observedAt: UInt64?
        /// Whether the printer pushes its status (ASB answered since the port opened).
        var pushing = false
        /// Checks after jobs and the `confirm()` calls waiting for them.
        /// The coming outcome of every job written whole whose check has not settled, in the
        /// order the jobs were sent (the order the checks settle in).
        var checks: [PrintConfirmation] = []
        /// Of those, the ones no sender took, for `confirm()` calls in order.
        var unclaimed: [PrintConfirmation] = []
    }

    /// Requests allowed to wait for the link's thread.
    public static let maximumWaitingRequests = 32

    /// The configuration the link runs with.
    public let configuration: PrinterLinkConfiguration
    private let shared = Mutex(Shared())
    private let wake: WakePipe?

    /// Starts the link's thread; the first open is tried at once.
    public init(configuration: PrinterLinkConfiguration) {
        self.configuration = configuration
        wake = try? WakePipe()
        NamedThread.start("printer-link") { [self] in run() }
    }

    /// The last state seen, without asking the printer.
    public var lastKnownState: PrinterState { shared.withLock { $0.state } }

    /// The detail behind the last state (a status description or an error), for technicians.
    public var lastKnownDetail: String? { shared.withLock { $0.detail } }

    /// What the link knows now, without asking the printer and without waiting behind a job:
    /// the state, how old it is, and whether the printer pushed it (ASB) or was asked.
    public var statusReport: PrinterStatusReport {
        shared.withLock { s in
            let now = monotonicNanoseconds()
            return PrinterStatusReport(
                state: s.state, detail: s.detail,
                age: s.checked ? s.observedAt.map { .nanoseconds(Int64(clamping: now - min(now, $0))) } : nil,
                pushed: s.pushing)
        }
    }

    /// The state for a health check: asked now when the link is idle (a pushed status stands
    /// for asking; no byte then), otherwise — a job being sent or checked, or requests waiting —
    /// what the link knows, at once, instead of waiting behind the job.
    public func currentStatus() async -> PrinterStatusReport {
        let busy = shared.withLock { $0.jobInProgress || !$0.requests.isEmpty }
        if !busy { _ = await status() }
        return statusReport
    }

    /// The state the printer pushed (Automatic Status Back), read without a hand-off to the
    /// link's thread, when it stands for asking and says the printer can print: exactly when
    /// the link's own check would answer with it without a byte on the wire (the port is
    /// open, the printer pushes, and it was heard from within `pushedStatusLifetime`). The
    /// printer pushes every change of paper, cover and error at once, and the link's thread
    /// reads it as it comes (it watches the port while idle), so this is the printer's word,
    /// not a remembered answer. Nil otherwise — no ASB, nothing heard lately, a fault (asked
    /// again: the paper may just have been refilled), the link stopping: then ask `status()`.
    public var pushedReadyState: PrinterState? {
        shared.withLock { s in
            guard s.pushing, s.checked, s.state.canPrint, !s.stopping, !s.finished, let at = s.observedAt else {
                return nil
            }
            let now = monotonicNanoseconds()
            let lifetime = configuration.pushedStatusLifetime.totalNanoseconds
            return now - min(now, at) <= lifetime ? s.state : nil
        }
    }

    /// Asks the printer for its state now (opening the device if it is closed and due).
    nonisolated(nonsending) public func status() async -> PrinterState {
        if let busy = shared.withLock({ $0.jobInProgress && $0.state.canPrint ? $0.state : nil }) { return busy }
        return await withCheckedContinuation { continuation in
            if !enqueue(.status(continuation)) { continuation.resume(returning: lastKnownState) }
        }
    }

    /// Prints a job in one go, for a caller that decides alone (`kioskctl test-print`, the
    /// calibration sheet): asks `status()`, then `send`, then `confirm` when every byte went
    /// out. (The kiosk's own prints are decided by its flows, which ask `status()` and hand
    /// accepted jobs to `PrintQueue`.)
    ///
    /// Throws `PrintRefusal` when the printer cannot print before anything is sent. The
    /// outcome is `.printed` only when all bytes were written and the status after reports
    /// no fault.
    nonisolated(nonsending) public func print(_ bytes: [UInt8]) async throws(PrintRefusal) -> PrintOutcome {
        let state = await status()
        guard state.canPrint else {
            throw PrintRefusal(state: state, devicePath: configuration.devicePath, detail: lastKnownDetail)
        }
        switch try await send(bytes) {
        case .incomplete(let written, let total, let detail):
            return .incomplete(bytesWritten: written, of: total, detail: detail)
        case .written:
            return await confirm()
        }
    }

    /// Writes every byte of a job (bounded in time) and drains them, without asking the
    /// printer first: the caller has just asked `status()` and decided to print. `.written`
    /// means the printer has received the whole job; call `confirm()` next. Throws
    /// `PrintRefusal` when nothing was sent (the port is closed).
    nonisolated(nonsending) public func send(_ bytes: [UInt8]) async throws(PrintRefusal) -> PrintTransfer {
        try await send(bytes, claimed: false).result.get()
    }

    /// Like `send`, and hands back the job's own confirmation (nil unless `.written`): the
    /// caller awaits its outcome when it likes, and may send further jobs meanwhile. The job
    /// is then not `confirm()`ed.
    nonisolated(nonsending) public func sendWithConfirmation(_ bytes: [UInt8]) async throws(PrintRefusal) -> (
        transfer: PrintTransfer, confirmation: PrintConfirmation?
    ) {
        let sent = await send(bytes, claimed: true)
        return (try sent.result.get(), sent.confirmation)
    }

    /// Hands a job to the link's thread and returns at once, for a caller that must not wait:
    /// the store's thread, right after the transaction that claimed the job committed, so the
    /// receipt's first byte does not wait for the flows or the print queue to run first. The
    /// link writes it after the requests before it, as `sendWithConfirmation` would, without
    /// asking the printer (the flows decided); its transfer and confirmation are awaited from
    /// the returned `StartedPrint` by whoever records the job's steps (the print queue).
    public func startSend(_ bytes: [UInt8]) -> StartedPrint {
        let started = StartedPrint()
        if !enqueue(.send(bytes, claimed: true, reply: { started.settle($0.result, $0.confirmation) })) {
            let refusal = PrintRefusal(
                state: lastKnownState, devicePath: configuration.devicePath, detail: "too many print requests waiting")
            started.settle(.failure(refusal), nil)
        }
        return started
    }

    /// What a send request comes back with.
    private struct Sent: Sendable {
        var result: Result<PrintTransfer, PrintRefusal>
        var confirmation: PrintConfirmation?
    }

    nonisolated(nonsending) private func send(_ bytes: [UInt8], claimed: Bool) async -> Sent {
        await withCheckedContinuation { continuation in
            if !enqueue(.send(bytes, claimed: claimed, reply: { continuation.resume(returning: $0) })) {
                let refusal = PrintRefusal(
                    state: lastKnownState, devicePath: configuration.devicePath,
                    detail: "too many print requests waiting")
                continuation.resume(returning: Sent(result: .failure(refusal), confirmation: nil))
            }
        }
    }

    /// After a written job: waits until the printer has processed it (no fixed sleep: the
    /// printer's answer to a buffered status request says so) and reports its status after.
    /// Each `.written` send is confirmed once, in the order the jobs were sent; the link takes
    /// other requests (the next job) while a check waits.
    nonisolated(nonsending) public func confirm() async -> PrintOutcome {
        let claim = shared.withLock { $0.unclaimed.isEmpty ? nil : $0.unclaimed.removeFirst() }
        guard let claim else {
            return .unconfirmed(stateAfter: lastKnownState, detail: "no job written whole waits for its check")
        }
        return await claim.outcome
    }

    /// Sends a few bytes that are not a job — the buzzer's refusal pattern — when the port is
    /// open; never waits for the printer and never opens a missing device for it.
    public func signal(_ bytes: [UInt8]) {
        _ = enqueue(.signal(bytes))
    }

    /// Every state change, newest first kept when the reader is slow.
    public func stateChanges() -> AsyncStream<PrinterState> {
        let (stream, continuation) = AsyncStream<PrinterState>.makeStream(bufferingPolicy: .bufferingNewest(4))
        let id: Int? = shared.withLock { s in
            guard !s.finished else { return nil }
            let id = s.nextListener
            s.nextListener += 1
            s.listeners[id] = continuation
            // A listener learns the state found so far first: the state at start is told too.
            // Under the lock, so no state published meanwhile comes before it; nobody iterates
            // this stream yet, so the yield only buffers and wakes no task (see `publish`).
            if s.checked { continuation.yield(s.state) }
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.shared.withLock { $0.listeners.removeValue(forKey: id) }
        }
        return stream
    }

    /// Stops the thread after the request in progress and closes the port. Waiting requests
    /// are still answered first.
    public func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = shared.withLock { s in
                if s.finished { return true }
                s.stopping = true
                s.stopWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() } else { wake?.signal() }
        }
    }

    private func enqueue(_ request: Request) -> Bool {
        let accepted = shared.withLock { s in
            guard !s.finished, !s.stopping, s.requests.count < Self.maximumWaitingRequests else { return false }
            s.requests.append(request)
            return true
        }
        if accepted { wake?.signal() }
        return accepted
    }

    private func publish(_ state: PrinterState, _ detail: String?) {
        let listeners = shared.withLock { s -> [AsyncStream<PrinterState>.Continuation] in
            s.observedAt = monotonicNanoseconds()
            s.detail = detail
            guard s.state != state || !s.checked else { return [] }
            s.checked = true
            s.state = state
            return Array(s.listeners.values)
        }
        // Woken outside the lock. Waking a listener's task takes that task's status lock, and
        // cancelling the task holds that lock while the stream's `onTermination` takes this
        // one: woken under it, a reload's stop that cancelled the kiosk's listener at that
        // moment deadlocked with this thread, and kioskd never stopped. Only this thread
        // publishes, so each listener still hears the states in order.
        for listener in listeners { listener.yield(state) }
    }

    /// The thread's body.
    private func run() {
        let connection = PrinterConnection(configuration: configuration)
        // The device's folder is watched while the port is closed, so a printer plugged back
        // in is opened at once instead of at the next backoff step.
        let watch = try? HotPlugWatch(path: configuration.devicePath)
        publishCheck(connection)
        while true {
            wake?.drain()
            let (request, stopping) = shared.withLock { s -> (Request?, Bool) in
                s.requests.isEmpty ? (nil, s.stopping) : (s.requests.removeFirst(), false)
            }
            if let request {
                handle(request, connection)
                continue
            }
            if stopping { break }
            deliver(connection.advanceChecks(), connection)
            if let news = connection.takeUnaskedNews() { publish(news.state, news.detail) }
            noteHearing(connection)
            if connection.isDutyDue {
                publishCheck(connection)
                continue
            }
            let wait = Duration.nanoseconds(Int64(min(connection.nanosecondsToNextDuty, 1_000_000_000)))
            if !connection.isOpen, let watch, let wake {
                if case .changed = watch.wait(stop: wake, fallback: wait), !shared.withLock({ $0.stopping }) {
                    connection.deviceFolderChanged()
                }
            } else {
                Self.waitFor(wake, port: connection.descriptorToWatch, timeout: wait)
            }
        }
        deliver(connection.abandonChecks(), connection)
        let left = shared.withLock { s in
            defer {
                s.checks = []
                s.unclaimed = []
            }
            return s.checks
        }
        for claim in left {
            claim.resolve(.unconfirmed(stateAfter: lastKnownState, detail: "the printer link stopped"))
        }
        connection.close()
        let (waiters, listeners) = shared.withLock { s in
            s.finished = true
            defer {
                s.stopWaiters = []
                s.listeners = [:]
            }
            return (s.stopWaiters, Array(s.listeners.values))
        }
        for listener in listeners { listener.finish() }
        for waiter in waiters { waiter.resume() }
    }

    private func publishCheck(_ connection: PrinterConnection) {
        let (state, detail) = connection.check()
        publish(state, detail)
        noteHearing(connection)
    }

    /// While the printer pushes its status, its state holds as long as it is heard from.
    private func noteHearing(_ connection: PrinterConnection) {
        let pushing = connection.isPushingStatus
        let heard = connection.lastHeardAt
        shared.withLock { s in
            s.pushing = pushing
            if pushing, let heard, s.checked { s.observedAt = max(s.observedAt ?? 0, heard) }
        }
    }

    /// Hands settled checks to the `confirm()` calls waiting for them (or keeps them for the
    /// calls to come) and publishes the state each reports.
    private func deliver(_ outcomes: [PrintOutcome], _ connection: PrinterConnection) {
        for outcome in outcomes {
            switch outcome {
            case .printed(let state): publish(state, nil)
            case .faultAfter(let state, let detail), .unconfirmed(let state, let detail): publish(state, detail)
            case .incomplete(_, _, let detail): publish(connection.isOpen ? .offline : .missing, detail)
            }
            shared.withLock { $0.checks.isEmpty ? nil : $0.checks.removeFirst() }?.resolve(outcome)
        }
        let busy = connection.hasPendingChecks
        shared.withLock { $0.jobInProgress = busy }
    }

    private func handle(_ request: Request, _ connection: PrinterConnection) {
        switch request {
        case .status(let continuation):
            let (state, detail) = connection.check()
            publish(state, detail)
            continuation.resume(returning: state)
        case .signal(let bytes):
            connection.signal(bytes)
        case .send(let bytes, let claimed, let reply):
            shared.withLock { $0.jobInProgress = true }
            let result = connection.send(bytes)
            var confirmation: PrintConfirmation?
            switch result {
            case .success(.written):
                let check = PrintConfirmation()
                confirmation = check
                shared.withLock { s in
                    s.checks.append(check)
                    if !claimed { s.unclaimed.append(check) }
                }
            case .success(.incomplete(_, _, let detail)):
                publish(connection.isOpen ? .offline : .missing, detail)
            case .failure(let refusal):
                publish(refusal.state, refusal.detail)
            }
            let busy = connection.hasPendingChecks
            shared.withLock { $0.jobInProgress = busy }
            reply(Sent(result: result, confirmation: confirmation))
            // A job to a printer that does not answer status is settled at once.
            deliver(connection.advanceChecks(), connection)
        }
    }

    /// Blocks the link's thread until a request is signalled, the printer sends something
    /// (when `port` is watched), or `timeout` passes.
    private static func waitFor(_ wake: WakePipe?, port: Int32?, timeout: Duration) {
        let deadline = MonotonicDeadline(after: max(timeout, .milliseconds(1)))
        let watched = port.map { $0 >= 0 ? [$0] : [] } ?? []
        _ = try? waitForDescriptors(watched, stop: wake?.readEnd, until: deadline)
    }
}
