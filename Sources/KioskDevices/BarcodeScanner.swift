import Foundation
import KioskSystem

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
    private let stopSignal: ScannerStopSignal

    /// Starts reading `settings.device` at once (reporting `.missing` if it is not there).
    public init(settings: ScannerSettings, logger: Logger) throws(SystemError) {
        let stopSignal = try ScannerStopSignal()
        let (stream, continuation) = AsyncStream<ScannerEvent>.makeStream(
            bufferingPolicy: .bufferingNewest(max(1, settings.bufferedEvents)))
        let device = settings.device
        let reader = ScannerReader(settings: settings, logger: logger, stop: stopSignal) { event in
            if case .dropped = continuation.yield(event) {
                logger.log(.warning, "scanner event-overflow", [("device", device), ("action", "oldest event dropped")])
            }
        }
        continuation.onTermination = { _ in stopSignal.signal() }
        let thread = Thread {
            reader.run()
            continuation.finish()
        }
        thread.name = "kiosk-scanner"
        thread.start()
        events = stream
        self.stopSignal = stopSignal
    }

    /// Stops reading: the thread closes the device and the stream finishes.
    public func stop() { stopSignal.signal() }
}
