import KioskConfig
import KioskSystem

/// Scans from the configured scanner device (`[Scanner]`).
struct DeviceScanSource: ScanSource {
    let configuration: KioskConfiguration.Scanner
    let logger: Logger

    func signals() -> AsyncStream<ScannerSignal> {
        // The evdev and serial readers join here when the scanner layer lands.
        AsyncStream { continuation in continuation.yield(.state("missing")) }
    }
}
