import Dispatch
import Foundation
import Synchronization

/// The kiosk's receipt printer: owns its serial port on a thread of its own, reopens it by
/// path with backoff when the device is missing or gone, and prints jobs with a status check
/// before and after.
///
/// Blocking I/O never runs on the Swift concurrency pool: `status()` and `print(_:)` hand a
/// request to the link's thread and suspend on a continuation until it answers. At most
/// `maximumWaitingRequests` requests wait; beyond that, callers get the last known state (or
/// a refusal) at once.
public final class PrinterLink: Sendable {
    private enum Request {
        case status(CheckedContinuation<PrinterState, Never>, maxAge: Duration)
        case signal([UInt8])
        case print([UInt8], CheckedContinuation<Result<PrintOutcome, PrintRefusal>, Never>)
    }

    private struct Shared {
        var requests: [Request] = []
        var state: PrinterState = .missing
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
    private let wake = DispatchSemaphore(value: 0)

    /// Starts the link's thread; the first open is tried at once.
    public init(configuration: PrinterLinkConfiguration) {
        self.configuration = configuration
        let thread = Thread { [self] in run() }
        thread.name = "printer-link"
        thread.start()
    }

    /// The last state seen, without asking the printer.
    public var lastKnownState: PrinterState { shared.withLock { $0.state } }

    /// The detail behind the last state (a status description or an error), for technicians.
    public var lastKnownDetail: String? { shared.withLock { $0.detail } }

    /// Asks the printer for its state now (opening the device if it is closed and due); an
    /// answer younger than `maxAge` is reused instead of asking again.
    public func status(maxAge: Duration = .zero) async -> PrinterState {
        await withCheckedContinuation { continuation in
            if !enqueue(.status(continuation, maxAge: maxAge)) { continuation.resume(returning: lastKnownState) }
        }
    }

    /// Prints a job: checks the printer, writes every byte (bounded in time), drains, waits
    /// for the printer, checks again.
    ///
    /// Throws `PrintRefusal` when the printer cannot print before anything is sent. The
    /// outcome is `.printed` only when all bytes were written and the status after reports
    /// no fault.
    public func print(_ bytes: [UInt8]) async throws(PrintRefusal) -> PrintOutcome {
        let result: Result<PrintOutcome, PrintRefusal> = await withCheckedContinuation { continuation in
            if !enqueue(.print(bytes, continuation)) {
                continuation.resume(
                    returning: .failure(
                        PrintRefusal(
                            state: lastKnownState, devicePath: configuration.devicePath,
                            detail: "too many print requests waiting")))
            }
        }
        return try result.get()
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
            if done { continuation.resume() } else { wake.signal() }
        }
    }

    private func enqueue(_ request: Request) -> Bool {
        let accepted = shared.withLock { s in
            guard !s.finished, !s.stopping, s.requests.count < Self.maximumWaitingRequests else { return false }
            s.requests.append(request)
            return true
        }
        if accepted { wake.signal() }
        return accepted
    }

    private func publish(_ state: PrinterState, _ detail: String?) {
        shared.withLock { s in
            s.detail = detail
            guard s.state != state else { return }
            s.state = state
            for listener in s.listeners.values { listener.yield(state) }
        }
    }

    /// The thread's body.
    private func run() {
        let connection = PrinterConnection(configuration: configuration)
        publishCheck(connection)
        while true {
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
            let wait = min(connection.nanosecondsToNextDuty, 1_000_000_000)
            _ = wake.wait(timeout: .now() + .nanoseconds(Int(wait)))
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
        case .status(let continuation, let maxAge):
            let (state, detail) = connection.check(maxAge: maxAge)
            publish(state, detail)
            continuation.resume(returning: state)
        case .signal(let bytes):
            connection.signal(bytes)
        case .print(let bytes, let continuation):
            let result = connection.print(bytes)
            switch result {
            case .success(.printed(let state)): publish(state, nil)
            case .success(.faultAfter(let state, let detail)): publish(state, detail)
            case .success(.incomplete(_, _, let detail)):
                publish(connection.isOpen ? .offline : .missing, detail)
            case .failure(let refusal): publish(refusal.state, refusal.detail)
            }
            continuation.resume(returning: result)
        }
    }
}
