/// What the scanner reader tells the service.
public enum ScannerEvent: Sendable, Equatable {
    /// One scan, as typed or sent (not yet parsed: the service runs `ScanParser`).
    case scan(ScannedText)
    /// The scanner came (back) or went missing.
    case state(ScannerState)
    /// A scan was thrown away (too long, events lost, device gone mid-scan).
    case dropped(ScanDropReason)
}

/// The raw text of one scan and when it was complete.
///
/// Its description never shows the text (it may be an ID card's personal data).
public struct ScannedText: Sendable, Equatable, CustomStringConvertible {
    /// The text, without the final Enter / CR / LF.
    public var text: String
    /// When the reader had the whole scan (`monotonicNanoseconds()`).
    public var completedAt: UInt64
    /// The AIM symbology identifier (`]Q1` for QR Code) when the scanner sends one (HID-POS
    /// mode); nil for keyboard-wedge and serial scanners.
    public var symbology: String?

    /// Creates a scan.
    public init(text: String, completedAt: UInt64, symbology: String? = nil) {
        self.text = text
        self.completedAt = completedAt
        self.symbology = symbology
    }

    /// `scan of 97 characters`.
    public var description: String { "scan of \(text.unicodeScalars.count) characters" }
}

/// Whether the scanner is there, for the service's status and `kiosk.health`.
public enum ScannerState: Sendable, Equatable, CustomStringConvertible {
    /// Open and being read; the identity is nil when the device is not an evdev node (a
    /// serial port, a FIFO).
    case ok(ScannerIdentity?)
    /// Not there (unplugged, no such path, no permission): why, for the technician.
    case missing(reason: String)

    /// The `scanner` value of `kiosk.health`: `ok` or `missing`.
    public var healthValue: String {
        switch self {
        case .ok: "ok"
        case .missing: "missing"
        }
    }

    /// `ok "Honeywell 1950g" (0c2e:0b61)` or `missing: open(/dev/kiosk-scanner): No such file…`.
    public var description: String {
        switch self {
        case .ok(let identity?): "ok \(identity)"
        case .ok(nil): "ok"
        case .missing(let reason): "missing: \(reason)"
        }
    }
}
