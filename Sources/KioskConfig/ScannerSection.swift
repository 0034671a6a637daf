extension KioskConfiguration {
    /// `[Scanner]`: the barcode scanner.
    public struct Scanner: Sendable, Equatable {
        /// `Device=/dev/kiosk-scanner`: an evdev node, serial port or hidraw node.
        public var device: String
        /// `Mode=evdev`.
        public var mode: ScannerMode
        /// `Keymap=us`: a keymap of the data folder's `keymaps/` (`/usr/share/kiosk`; evdev mode).
        public var keymap: String
        /// `Grab=yes`: grab the evdev device so scans never reach a console.
        public var grab: Bool
        /// `ScanTimeout=80ms`: a gap this long ends a scan that has no Enter.
        public var scanTimeout: Duration

        /// Creates the section with the documented defaults.
        public init(
            device: String = "/dev/kiosk-scanner", mode: ScannerMode = .evdev, keymap: String = "us",
            grab: Bool = true, scanTimeout: Duration = .milliseconds(80)
        ) {
            self.device = device
            self.mode = mode
            self.keymap = keymap
            self.grab = grab
            self.scanTimeout = scanTimeout
        }

        static let keys = ["Device", "Mode", "Keymap", "Grab", "ScanTimeout"]

        static func read(_ reader: inout SectionReader) -> Scanner? {
            let defaults = Scanner()
            return Scanner(
                device: reader.value("Device", default: defaults.device, ValueSyntax.path),
                mode: reader.value("Mode", default: defaults.mode) { ValueSyntax.choice($0, of: ScannerMode.self) },
                keymap: reader.value("Keymap", default: defaults.keymap) {
                    ValueSyntax.resourceName($0, folder: "the keymaps (/usr/share/kiosk/keymaps)")
                },
                grab: reader.value("Grab", default: defaults.grab, ValueSyntax.boolean),
                scanTimeout: reader.value("ScanTimeout", default: defaults.scanTimeout, positiveDuration))
        }
    }
}

/// `[Scanner] Mode=`: how the scanner is attached.
public enum ScannerMode: String, Sendable, CaseIterable {
    /// A keyboard wedge read through evdev.
    case evdev
    /// A USB CDC-ACM virtual serial port.
    case serial
    /// A USB HID Point-of-Sale scanner (usage page 0x8C), read through hidraw.
    case hidpos
}

/// A duration greater than zero.
func positiveDuration(_ text: String) -> Result<Duration, ValueProblem> {
    DurationText.parse(text).flatMap {
        $0 > .zero ? .success($0) : .failure(ValueProblem("must be longer than 0, e.g. 80ms, 15s, 5min"))
    }
}
