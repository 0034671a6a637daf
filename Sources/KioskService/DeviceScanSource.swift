import KioskConfig
import KioskDevices
import KioskSystem

/// Scans from the configured scanner device (`[Scanner]`): evdev keyboard wedge, serial or HID-POS.
struct DeviceScanSource: ScanSource {
    let configuration: KioskConfiguration.Scanner
    let keymap: Keymap
    let logger: Logger

    func signals() -> AsyncStream<ScannerSignal> {
        let settings = ScannerSettings(
            device: configuration.device, mode: ScannerSettings.Mode(rawValue: configuration.mode.rawValue) ?? .evdev,
            keymap: keymap,
            grab: configuration.grab, scanTimeout: configuration.scanTimeout)
        let logger = self.logger
        return AsyncStream(bufferingPolicy: .bufferingNewest(64)) { continuation in
            let scanner: BarcodeScanner
            do {
                scanner = try BarcodeScanner(settings: settings, logger: logger)
            } catch {
                logger.log(
                    .error, "scanner reader cannot start", [("device", settings.device), ("reason", "\(error)")])
                continuation.yield(.state("missing"))
                continuation.finish()
                return
            }
            let task = Task {
                for await event in scanner.events {
                    switch event {
                    case .scan(let scanned): continuation.yield(.scan(scanned.text))
                    case .state(let state): continuation.yield(.state(state.healthValue))
                    case .dropped(let reason): logger.log(.warning, "scan dropped", [("reason", "\(reason)")])
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { @Sendable _ in
                scanner.stop()
                task.cancel()
            }
        }
    }
}
