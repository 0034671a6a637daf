/// Why a scan was thrown away by the reader before it reached the parser.
public enum ScanDropReason: Sendable, Equatable, CustomStringConvertible {
    /// More than `EvdevDecoder.maximumLength` characters before the end of the scan.
    case tooLong(characters: Int)
    /// The kernel dropped input events in the middle of the scan (`SYN_DROPPED`), so
    /// characters are missing.
    case eventsLost
    /// The device went away in the middle of the scan.
    case deviceGone
    /// The scan was read while kioskd did not hold the evdev grab (another process held it,
    /// or it was being taken back), so its keys also reached the console: never acted on.
    case notGrabbed
    /// A HID-POS scanner said more of the scan would follow and then sent nothing.
    case incomplete

    /// For log lines (never contains scanned data).
    public var description: String {
        switch self {
        case .tooLong(let n): "scan of \(n) characters is over the limit of \(EvdevDecoder.maximumLength)"
        case .eventsLost: "input events were lost mid-scan (SYN_DROPPED)"
        case .deviceGone: "the scanner went away mid-scan"
        case .notGrabbed: "the scanner was not grabbed (another process held it) when this scan was typed"
        case .incomplete: "the scanner stopped sending mid-scan (its last report said more would follow)"
        }
    }
}
