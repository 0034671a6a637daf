import KioskConfig
import KioskDevices
import KioskSystem

/// Scans from the configured scanner device (`[Scanner]`): evdev keyboard wedge, serial or HID-POS.
struct DeviceScanSource: ScanSource {
    let configuration: KioskConfiguration.Scanner
    let keymap: Keymap
    let logger: Logger

    /// The reader thread's own bounded stream, handed on as it is: the scanner thread's
    /// events reach the kiosk in one hand-off. Ending the stream (the reading task cancelled)
    /// stops the thread and closes the device.
    func events() -> AsyncStream<ScannerEvent> {
        let settings = ScannerSettings(
            device: configuration.device, mode: ScannerSettings.Mode(rawValue: configuration.mode.rawValue) ?? .evdev,
            keymap: keymap,
            grab: configuration.grab, scanTimeout: configuration.scanTimeout)
        do {
            return try BarcodeScanner(settings: settings, logger: logger).events
        } catch {
            logger.log(.error, "scanner reader cannot start", [("device", settings.device), ("reason", "\(error)")])
            let (stream, continuation) = AsyncStream<ScannerEvent>.makeStream()
            continuation.yield(.state(.missing(reason: "scanner reader cannot start: \(error)")))
            continuation.finish()
            return stream
        }
    }
}
