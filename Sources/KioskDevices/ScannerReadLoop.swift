/// A scanner's blocking read loop, run by `BarcodeScanner` on its own thread until the stop
/// signal: `ScannerReader` for evdev and serial scanners, `HIDPOSScannerReader` for hidraw.
protocol ScannerReadLoop: Sendable {
    /// Runs until the stop signal.
    func run()
}

extension ScannerReader: ScannerReadLoop {}

extension HIDPOSScannerReader: ScannerReadLoop {}
