/// The printer's condition as the kiosk reports it: exactly the `printer` strings of the
/// central protocol's `kiosk.health` event.
public enum PrinterState: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// Online, paper loaded.
    case ok
    /// Prints, but the roll is nearly empty: a technician should bring paper.
    case paperNearEnd = "paper-near-end"
    /// No paper: cannot print.
    case paperOut = "paper-out"
    /// Cover open: cannot print.
    case coverOpen = "cover-open"
    /// Offline, in error, or not answering status requests: cannot print.
    case offline
    /// No device at the configured path (unplugged): cannot print.
    case missing

    /// Whether a receipt can be printed in this state.
    public var canPrint: Bool { self == .ok || self == .paperNearEnd }

    /// `paper-out`.
    public var description: String { rawValue }

    /// Words for a technician or a citizen-facing refusal: "paper out".
    public var reason: String {
        switch self {
        case .ok: "ready"
        case .paperNearEnd: "paper nearly out"
        case .paperOut: "paper out"
        case .coverOpen: "cover open"
        case .offline: "offline"
        case .missing: "not connected"
        }
    }

    /// What a technician should do about it, for the log line that reports the state.
    public var advice: String {
        switch self {
        case .ok: "nothing"
        case .paperNearEnd: "bring a new paper roll soon"
        case .paperOut: "load a new paper roll"
        case .coverOpen: "close the printer cover"
        case .offline:
            "check the printer's power and error light (paper jam, cutter), and that Baud= and FlowControl= match it"
        case .missing: "check the printer's cable and power, and that [Printer] Device= names it (kioskctl devices)"
        }
    }
}
