import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// A signal the service acts on.
public enum ServiceSignal: Sendable, Equatable {
    /// SIGTERM or SIGINT: finish the work in progress and stop.
    case terminate(signal: Int32)
    /// SIGHUP: reload the configuration.
    case reload
    /// SIGUSR2 with `KIOSKD_TEST_HOOKS=1` in the environment: block the main loop for a few
    /// seconds, so a test can see the watchdog pings stop.
    case freezeMainLoopForTesting
}

/// Turns SIGTERM, SIGINT and SIGHUP into one async sequence, handled in one place.
///
/// The signals' default actions are switched off first, so they never kill the process while
/// the service is running; Dispatch delivers them on its own queue.
public enum ServiceSignals {
    /// Whether `KIOSKD_TEST_HOOKS=1` is set (never in the shipped unit).
    public static var testHooksEnabled: Bool {
        guard let value = getenv("KIOSKD_TEST_HOOKS") else { return false }
        return String(cString: value) == "1"
    }

    /// Starts listening; the sources live as long as the stream.
    public static func stream() -> AsyncStream<ServiceSignal> {
        let (stream, continuation) = AsyncStream<ServiceSignal>.makeStream(bufferingPolicy: .bufferingNewest(8))
        let queue = DispatchQueue(label: "kioskd.signals")
        var sources: [any DispatchSourceSignal] = []
        for (number, meaning) in [
            (SIGTERM, ServiceSignal.terminate(signal: SIGTERM)), (SIGINT, .terminate(signal: SIGINT)),
            (SIGHUP, .reload),
        ] + (testHooksEnabled ? [(SIGUSR2, ServiceSignal.freezeMainLoopForTesting)] : []) {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { @Sendable in continuation.yield(meaning) }
            source.resume()
            sources.append(source)
        }
        let keeper = SignalSourceKeeper(sources)
        continuation.onTermination = { @Sendable _ in keeper.cancel() }
        return stream
    }
}

/// Holds the signal sources until the stream ends.
// @unchecked Sendable: the array is written once in init and only read (to cancel) after.
private final class SignalSourceKeeper: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]
    init(_ sources: [any DispatchSourceSignal]) { self.sources = sources }
    func cancel() { sources.forEach { $0.cancel() } }
}
