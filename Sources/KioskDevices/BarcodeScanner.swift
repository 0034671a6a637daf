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

/// The barcode scanner: reads it on its own thread and delivers scans and state changes as
/// an `AsyncStream`.
///
/// The stream is bounded (`ScannerSettings.bufferedEvents`, 64 by default) with
/// `.bufferingNewest`: if the consumer stalls, the oldest events are dropped (and logged), so
/// the latest state change (`ok` after `missing`) and the citizen's latest scan are always
/// there when it catches up; a person who got no answer scans again, and the old scan would be
/// stale by then.
///
/// The reader thread blocks in `poll` on the device and a stop pipe; `stop()` (or the end of
/// the stream's consumer) wakes it, and it closes the device and finishes the stream.
public final class BarcodeScanner: Sendable {
    /// Scans, drops and state changes, in order; finishes after `stop()`.
    public let events: AsyncStream<ScannerEvent>
    private let stopSignal: WakePipe
    /// The reader thread's CPU-time clock while it runs (`pthread_getcpuclockid`).
    private let readerClock = ReaderClock()

    /// Starts reading `settings.device` at once (reporting `.missing` if it is not there).
    public init(settings: ScannerSettings, logger: Logger) throws(SystemError) {
        let stopSignal = try WakePipe()
        let (stream, continuation) = AsyncStream<ScannerEvent>.makeStream(
            bufferingPolicy: .bufferingNewest(max(1, settings.bufferedEvents)))
        let device = settings.device
        let emit: @Sendable (ScannerEvent) -> Void = { event in
            if case .dropped = continuation.yield(event) {
                logger.log(
                    .warning, "scanner event-overflow", [("device", device), ("action", "oldest event dropped")])
            }
        }
        let reader: any ScannerReadLoop
        if settings.mode == .hidpos {
            reader = HIDPOSScannerReader(settings: settings, logger: logger, stop: stopSignal, emit: emit)
        } else {
            reader = ScannerReader(settings: settings, logger: logger, stop: stopSignal, emit: emit)
        }
        continuation.onTermination = { _ in stopSignal.signal() }
        let readerClock = readerClock
        NamedThread.start("kiosk-scanner") {
            var clock = clockid_t()
            if pthread_getcpuclockid(pthread_self(), &clock) == 0 { readerClock.clock.withLock { $0 = clock } }
            reader.run()
            readerClock.clock.withLock { $0 = nil }
            continuation.finish()
        }
        events = stream
        self.stopSignal = stopSignal
    }

    /// CPU time the reader thread has used so far; nil before it starts and after it ends.
    ///
    /// For diagnostics and the test that a missing scanner costs no CPU (`CLOCK_THREAD_CPUTIME`
    /// of that thread alone, so other work in the process does not count).
    public var readerCPUTime: Duration? {
        readerClock.clock.withLock { clock -> Duration? in
            guard let clock else { return nil }
            var ts = timespec()
            guard clock_gettime(clock, &ts) == 0 else { return nil }
            return .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec)
        }
    }

    /// Stops reading: the thread closes the device and the stream finishes.
    public func stop() { stopSignal.signal() }
}

/// The reader thread's CPU clock, shared between the thread and `BarcodeScanner`.
private final class ReaderClock: Sendable {
    let clock = Mutex<clockid_t?>(nil)
}
