/// How the scanner reader is set up (the service fills it from `[Scanner]` of kiosk.conf).
public struct ScannerSettings: Sendable {
    /// How the scanner is attached.
    public enum Mode: String, Sendable, CaseIterable {
        /// A keyboard wedge, read through evdev.
        case evdev
        /// A USB CDC-ACM virtual serial port.
        case serial
        /// A USB HID Point-of-Sale scanner, read through hidraw (`HIDPOSScannerReader`).
        case hidpos
    }

    /// `Device=`: an evdev node, a `/dev/input/by-id` link, a udev link, or a serial port.
    public var device: String
    /// `Mode=`.
    public var mode: Mode
    /// The layout the scanner types in (evdev mode).
    public var keymap: Keymap
    /// `Grab=`: take the evdev device for the kiosk alone.
    public var grab: Bool
    /// `ScanTimeout=`: a gap this long ends a scan that has no Enter (evdev mode).
    public var scanTimeout: Duration
    /// How often a missing device is looked for even when inotify says nothing (a safety net).
    public var missingRecheckInterval: Duration
    /// Events kept for a slow consumer; beyond that the oldest are dropped (see `BarcodeScanner`).
    public var bufferedEvents: Int

    /// Creates settings; defaults are those of kiosk.conf.
    public init(
        device: String, mode: Mode = .evdev, keymap: Keymap, grab: Bool = true,
        scanTimeout: Duration = .milliseconds(80),
        missingRecheckInterval: Duration = .seconds(1), bufferedEvents: Int = 64
    ) {
        self.device = device
        self.mode = mode
        self.keymap = keymap
        self.grab = grab
        self.scanTimeout = scanTimeout
        self.missingRecheckInterval = missingRecheckInterval
        self.bufferedEvents = bufferedEvents
    }
}
