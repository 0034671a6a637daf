/// What a printer said about itself in answer to the four real-time status requests
/// `DLE EOT 1…4` (printer, offline cause, error cause, paper roll sensor).
///
/// Every answer byte has bit 1 and bit 4 set and bit 0 and bit 7 clear (`byte & 0x93 == 0x12`);
/// `PrinterReplyFilter` relies on that to tell answers from other bytes.
public struct PrinterStatus: Sendable, Equatable, CustomStringConvertible {
    /// Error causes reported by `DLE EOT 3`.
    public struct ErrorCauses: OptionSet, Sendable, Hashable {
        /// Bit field of the causes.
        public let rawValue: UInt8
        /// Creates a set from its bits.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Bit 2: mechanical error (print head not at home, paper jam on some models).
        public static let mechanical = ErrorCauses(rawValue: 1 << 0)
        /// Bit 3: autocutter error (jammed blade).
        public static let autocutter = ErrorCauses(rawValue: 1 << 1)
        /// Bit 5: unrecoverable error (power the printer off and on).
        public static let unrecoverable = ErrorCauses(rawValue: 1 << 2)
        /// Bit 6: automatically recoverable error (print head too hot, …).
        public static let autoRecoverable = ErrorCauses(rawValue: 1 << 3)
    }

    /// `DLE EOT 1` bit 3 clear.
    public var online: Bool
    /// `DLE EOT 2` bit 2.
    public var coverOpen: Bool
    /// `DLE EOT 4` bits 2–3.
    public var paperNearEnd: Bool
    /// `DLE EOT 4` bits 5–6, or `DLE EOT 2` bit 5 (printing stopped at paper end).
    public var paperEnd: Bool
    /// `DLE EOT 2` bit 6: an error occurred.
    public var error: Bool
    /// Causes from `DLE EOT 3`.
    public var errorCauses: ErrorCauses
    /// `DLE EOT 2` bit 3: paper being fed by the feed button.
    public var feedingByButton: Bool

    /// Creates a status from its parts.
    public init(
        online: Bool = true, coverOpen: Bool = false, paperNearEnd: Bool = false, paperEnd: Bool = false,
        error: Bool = false, errorCauses: ErrorCauses = [], feedingByButton: Bool = false
    ) {
        self.online = online
        self.coverOpen = coverOpen
        self.paperNearEnd = paperNearEnd
        self.paperEnd = paperEnd
        self.error = error
        self.errorCauses = errorCauses
        self.feedingByButton = feedingByButton
    }

    /// Whether `byte` can be an answer to `DLE EOT n`: bits 1 and 4 set, bits 0 and 7 clear.
    public static func isAnswer(_ byte: UInt8) -> Bool { byte & 0x93 == 0x12 }

    /// Decodes the answers to `DLE EOT 1`, `2`, `3` and `4`, in that order.
    public init(printer: UInt8, offlineCause: UInt8, errorCause: UInt8, paperSensor: UInt8) {
        online = printer & 0x08 == 0
        coverOpen = offlineCause & 0x04 != 0
        feedingByButton = offlineCause & 0x08 != 0
        paperEnd = paperSensor & 0x60 != 0 || offlineCause & 0x20 != 0
        paperNearEnd = paperSensor & 0x0C != 0
        var causes: ErrorCauses = []
        if errorCause & 0x04 != 0 { causes.insert(.mechanical) }
        if errorCause & 0x08 != 0 { causes.insert(.autocutter) }
        if errorCause & 0x20 != 0 { causes.insert(.unrecoverable) }
        if errorCause & 0x40 != 0 { causes.insert(.autoRecoverable) }
        errorCauses = causes
        error = offlineCause & 0x40 != 0 || !causes.isEmpty
    }

    /// Decodes a 4-byte Automatic Status Back message (`GS a`): printer information (bit 3
    /// offline, bit 5 cover open, bit 6 feeding by button), error information (bit 2
    /// mechanical, 3 autocutter, 5 unrecoverable, 6 automatically recoverable), paper sensor
    /// (bits 0–1 roll near end, bits 2–3 roll end), and a fourth byte the kiosk does not use.
    public init(automaticStatus printer: UInt8, _ errors: UInt8, _ paper: UInt8, _ fourth: UInt8) {
        online = printer & 0x08 == 0
        coverOpen = printer & 0x20 != 0
        feedingByButton = printer & 0x40 != 0
        paperNearEnd = paper & 0x03 != 0
        paperEnd = paper & 0x0C != 0
        var causes: ErrorCauses = []
        if errors & 0x04 != 0 { causes.insert(.mechanical) }
        if errors & 0x08 != 0 { causes.insert(.autocutter) }
        if errors & 0x20 != 0 { causes.insert(.unrecoverable) }
        if errors & 0x40 != 0 { causes.insert(.autoRecoverable) }
        errorCauses = causes
        error = !causes.isEmpty
    }

    /// The health state: the most pressing fault first.
    public var state: PrinterState {
        if coverOpen { return .coverOpen }
        if paperEnd { return .paperOut }
        if error || !online { return .offline }
        if paperNearEnd { return .paperNearEnd }
        return .ok
    }

    /// `offline (error: autocutter)`, `paper-near-end`, `ok`.
    public var description: String {
        var text = state.rawValue
        if error || !errorCauses.isEmpty {
            var names: [String] = []
            if errorCauses.contains(.mechanical) { names.append("mechanical") }
            if errorCauses.contains(.autocutter) { names.append("autocutter") }
            if errorCauses.contains(.unrecoverable) { names.append("unrecoverable") }
            if errorCauses.contains(.autoRecoverable) { names.append("auto-recoverable, e.g. head too hot") }
            text += " (error" + (names.isEmpty ? "" : ": " + names.joined(separator: ", ")) + ")"
        }
        return text
    }
}
