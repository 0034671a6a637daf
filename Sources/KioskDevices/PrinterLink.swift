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
/// fault), so the print queue can record each step in the job's row.
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
        case send([UInt8], CheckedContinuation<Result<PrintTransfer, PrintRefusal>, Never>)
        case confirm(CheckedContinuation<PrintOutcome, Never>)
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
        DetachedThread.start(name: "printer-link") { [self] in run() }
    }

    /// The last state seen, without asking the printer.
    public var lastKnownState: PrinterState { shared.withLock { $0.state } }

    /// The detail behind the last state (a status description or an error), for technicians.
    public var lastKnownDetail: String? { shared.withLock { $0.detail } }

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
        let result: Result<PrintTransfer, PrintRefusal> = await withCheckedContinuation { continuation in
            if !enqueue(.send(bytes, continuation)) {
                continuation.resume(
                    returning: .failure(
                        PrintRefusal(
                            state: lastKnownState, devicePath: configuration.devicePath,
                            detail: "too many print requests waiting")))
            }
        }
        return try result.get()
    }

    /// After a written job: waits until the printer has processed it (no fixed sleep: the
    /// printer's answer to a buffered status request says so) and asks its status.
    nonisolated(nonsending) public func confirm() async -> PrintOutcome {
        await withCheckedContinuation { continuation in
            if !enqueue(.confirm(continuation)) {
                shared.withLock { $0.jobInProgress = false }
                continuation.resume(
                    returning: .unconfirmed(stateAfter: lastKnownState, detail: "too many print requests waiting"))
            }
        }
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
        shared.withLock { s in
            s.detail = detail
            guard s.state != state || !s.checked else { return }
            s.checked = true
            s.state = state
            for listener in s.listeners.values { listener.yield(state) }
        }
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
                Self.waitFor(wake, timeout: wait)
            }
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
    }

    private func handle(_ request: Request, _ connection: PrinterConnection) {
        switch request {
        case .status(let continuation):
            let (state, detail) = connection.check()
            publish(state, detail)
            continuation.resume(returning: state)
        case .signal(let bytes):
            connection.signal(bytes)
        case .send(let bytes, let continuation):
            shared.withLock { $0.jobInProgress = true }
            let result = connection.send(bytes)
            switch result {
            case .success(.written): break
            case .success(.incomplete(_, _, let detail)):
                shared.withLock { $0.jobInProgress = false }
                publish(connection.isOpen ? .offline : .missing, detail)
            case .failure(let refusal):
                shared.withLock { $0.jobInProgress = false }
                publish(refusal.state, refusal.detail)
            }
            continuation.resume(returning: result)
        case .confirm(let continuation):
            let outcome = connection.confirm()
            switch outcome {
            case .printed(let state): publish(state, nil)
            case .faultAfter(let state, let detail), .unconfirmed(let state, let detail): publish(state, detail)
            case .incomplete(_, _, let detail): publish(connection.isOpen ? .offline : .missing, detail)
            }
            shared.withLock { $0.jobInProgress = false }
            continuation.resume(returning: outcome)
        }
    }

    /// Blocks the link's thread until a request is signalled or `timeout` passes.
    private static func waitFor(_ wake: WakePipe?, timeout: Duration) {
        let milliseconds = Int32(
            clamping: max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        )
        guard let wake else {
            usleep(UInt32(milliseconds) * 1000)
            return
        }
        var entry = pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, milliseconds)
    }
}
