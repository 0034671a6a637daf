import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What the service is asked to do next, in the order it must be done.
public enum ServiceSignal: Sendable, Equatable {
    /// SIGTERM or SIGINT (0 when asked from code): finish the work in progress and stop.
    case terminate(signal: Int32)
    /// SIGHUP: reload the configuration.
    case reload
    /// SIGUSR2 with `KIOSKD_TEST_HOOKS=1` in the environment: block the main loop for a few
    /// seconds, so a test can see the watchdog pings stop.
    case freezeMainLoopForTesting
}

/// The signals' requests kept as state, not as queued messages: a stop is a flag that
/// nothing can drop or push out, and reloads asked while one is pending coalesce into one.
///
/// A queue of messages with a bounded buffer loses the oldest when it overflows: a SIGTERM
/// sent among dozens of SIGHUPs was lost that way. Here each request sets its flag first and
/// then wakes the service's loop; a wake can be coalesced or dropped without harm, because the
/// loop reads the flags after every wake. A stop always comes first in ``next()``, so it
/// never waits behind reloads.
public final class ServiceSignals: Sendable {
    /// The first stop's signal number plus one (0: no stop asked); the first stop wins.
    private let stopSignal = Atomic<Int64>(0)
    private let reloadRequested = Atomic<Bool>(false)
    private let freezeRequested = Atomic<Bool>(false)
    /// What runs once when the first stop is asked (``whenStopAsked(_:)``).
    private let announcement = Mutex<StopAnnouncement>(StopAnnouncement())
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    /// The Dispatch sources of ``system()``, kept alive as long as this value.
    private let keeper = SignalSourceKeeper()

    /// Requests only from code (tests, the demo, benchmarks); no OS signal is watched.
    public init() {
        // One pending wake is enough: the loop reads every flag after each wake.
        (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    deinit {
        keeper.sources.forEach { $0.cancel() }
        wake.finish()
    }

    /// Whether `KIOSKD_TEST_HOOKS=1` is set (never in the shipped unit).
    public static var testHooksEnabled: Bool {
        guard let value = getenv("KIOSKD_TEST_HOOKS") else { return false }
        return String(cString: value) == "1"
    }

    /// Watches SIGTERM, SIGINT and SIGHUP (and SIGUSR2 with test hooks) for as long as the
    /// returned value lives.
    ///
    /// The signals' default actions are switched off first, so they never kill the process
    /// while the service is running; Dispatch runs the handlers on its own queue, where they
    /// only set a flag and wake the loop.
    public static func system() -> ServiceSignals {
        let signals = ServiceSignals()
        let queue = DispatchQueue(label: "kioskd.signals")
        var numbers = [SIGTERM, SIGINT, SIGHUP]
        if testHooksEnabled { numbers.append(SIGUSR2) }
        var sources: [any DispatchSourceSignal] = []
        for number in numbers {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { @Sendable [weak signals] in
                switch number {
                case SIGHUP: signals?.requestReload()
                case SIGUSR2: signals?.requestFreezeForTesting()
                default: signals?.requestStop(signal: number)
                }
            }
            source.resume()
            sources.append(source)
        }
        signals.keeper.sources = sources
        return signals
    }

    /// Asks the service to stop. Sticky: later requests of any kind never undo it. The first
    /// one runs the ``whenStopAsked(_:)`` action here, on the asking thread (the signal
    /// queue for SIGTERM), before the service's loop is woken.
    public func requestStop(signal number: Int32) {
        let first = stopSignal.compareExchange(
            expected: 0, desired: Int64(number) + 1, ordering: .sequentiallyConsistent
        ).exchanged
        if first {
            let action = announcement.withLock { $0.stopAsked(signal: number) }
            action?(number)
        }
        wake.yield()
    }

    /// Runs `action` once, with the signal number, when the first stop is asked, on the thread
    /// that asks it; at once when a stop was asked already. So the service says it is
    /// stopping when the signal arrives, not only once its loop gets to it (a reload under
    /// way finishes first). Only the first action given is kept.
    public func whenStopAsked(_ action: @escaping @Sendable (Int32) -> Void) {
        let asked = announcement.withLock { $0.register(action) }
        if let asked { action(asked) }
    }

    /// Asks for a reload; several asked before the loop gets to them make one reload.
    public func requestReload() {
        reloadRequested.store(true, ordering: .sequentiallyConsistent)
        wake.yield()
    }

    /// Asks for the watchdog test hook.
    public func requestFreezeForTesting() {
        freezeRequested.store(true, ordering: .sequentiallyConsistent)
        wake.yield()
    }

    /// The stop's signal number once a stop was asked, nil before.
    public var stopRequested: Int32? {
        let value = stopSignal.load(ordering: .sequentiallyConsistent)
        return value == 0 ? nil : Int32(value - 1)
    }

    /// The request to act on now, without waiting: a stop first, then a reload, then the
    /// test hook; nil when nothing is pending. Taking a reload or a freeze clears it; a stop
    /// stays.
    public func pending() -> ServiceSignal? {
        if let number = stopRequested { return .terminate(signal: number) }
        if reloadRequested.exchange(false, ordering: .sequentiallyConsistent) { return .reload }
        if freezeRequested.exchange(false, ordering: .sequentiallyConsistent) { return .freezeMainLoopForTesting }
        return nil
    }

    /// Waits for the next request (see ``pending()`` for the order). When the waiting task is
    /// cancelled, that is a stop (signal 0, unless a signal asked one first).
    public func next() async -> ServiceSignal {
        var iterator = wakes.makeAsyncIterator()
        while true {
            if let request = pending() { return request }
            // A wake yielded after the flag was set is still buffered here, so no request
            // set between `pending()` and this wait is missed.
            if await iterator.next() == nil || Task.isCancelled {
                requestStop(signal: 0)
                return .terminate(signal: stopRequested ?? 0)
            }
        }
    }
}

/// The action to run once when the first stop is asked, and whether that happened.
private struct StopAnnouncement {
    private var action: (@Sendable (Int32) -> Void)?
    private var asked: Int32?
    private var announced = false

    /// The first stop was asked: the action to run now, if one is registered and has not run.
    mutating func stopAsked(signal number: Int32) -> (@Sendable (Int32) -> Void)? {
        asked = number
        guard !announced, let action else { return nil }
        announced = true
        return action
    }

    /// Keeps `action` for the stop to come; the signal number to run it with now when the
    /// stop was asked already and nothing announced it.
    mutating func register(_ action: @escaping @Sendable (Int32) -> Void) -> Int32? {
        guard !announced, self.action == nil else { return nil }
        if let asked {
            announced = true
            return asked
        }
        self.action = action
        return nil
    }
}

/// Holds the signal sources as long as the `ServiceSignals` that owns them.
// @unchecked Sendable: `sources` is written once, in `ServiceSignals.system()` before the
// value is shared, and read again only in the owner's deinit.
private final class SignalSourceKeeper: @unchecked Sendable {
    var sources: [any DispatchSourceSignal] = []
}
