import ESCPOS
import KioskDomain

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The technician's answers to a calibration sheet printed by the running kiosk
/// (`KIOSK:CALIBRATE`), one scan at a time: the barcode of the line that reads right, of the
/// cut that looks right and of the buzzer answer, in any order (a later scan of the same kind
/// replaces an earlier one). Pure: it decides; the kiosk's flows print, write and switch.
///
/// The session ends when all three are in (`.complete`), when it is cancelled, or when no
/// answer came for ``timeoutSeconds`` (the sheet forgotten on the printer).
public struct CalibrationSession: Sendable, Equatable {
    /// How long the kiosk waits for the next answer before it drops the calibration.
    public static let timeoutSeconds: Int64 = 900

    /// What one scan did to the session.
    public enum Step: Sendable, Equatable {
        /// An answer was taken; `missing` says what is still to scan.
        case answered(PrinterCalibration.Answer, missing: [String])
        /// The last answer came in: print with this profile from now on.
        case complete(PrinterProfile, text: CalibrationCandidate)
        /// The scan is none of the sheet's barcodes; the session goes on unchanged.
        case notAnAnswer
    }

    /// The profile the sheet was printed with (`Profile=`'s), which the answers adjust.
    public let base: PrinterProfile
    /// The line that reads right, once scanned.
    public private(set) var text: CalibrationCandidate?
    /// The cut that looks right, once scanned.
    public private(set) var cut: PrinterProfile.Cutter?
    /// Whether the buzzer sounded, once scanned.
    public private(set) var buzzer: Bool?
    /// When the sheet was printed or the last answer scanned.
    public private(set) var lastActivity: Timestamp

    /// A session waiting for the answers to a sheet printed at `startedAt` for `base`.
    public init(base: PrinterProfile, startedAt: Timestamp) {
        self.base = base
        lastActivity = startedAt
    }

    /// What is still to be scanned, in the sheet's order, in the technician's words.
    public var missing: [String] {
        var result: [String] = []
        if text == nil { result.append("the line that reads right") }
        if cut == nil { result.append("the cut that looks right") }
        if buzzer == nil { result.append("Yes or No for the beep") }
        return result
    }

    /// Takes one scan (its text as read, an AIM symbology identifier allowed in front).
    public mutating func handle(scan: String, now: Timestamp) -> Step {
        var body = Substring(ScanParser.withoutSymbologyIdentifier(scan))
        while body.first?.isWhitespace == true { body.removeFirst() }
        while body.last?.isWhitespace == true { body.removeLast() }
        guard let answer = PrinterCalibration.Answer(scan: String(body)) else { return .notAnAnswer }
        lastActivity = now
        switch answer {
        case .text(let candidate): text = candidate
        case .cut(let kind): cut = kind
        case .buzzer(let sounded): buzzer = sounded
        }
        guard let text, let cut, let buzzer else { return .answered(answer, missing: missing) }
        return .complete(PrinterCalibration.profile(base: base, text: text, cut: cut, buzzer: buzzer), text: text)
    }

    /// Whether the technician has been silent for longer than ``timeoutSeconds`` at `now`.
    public func hasExpired(now: Timestamp) -> Bool {
        now.unixSeconds - lastActivity.unixSeconds >= Self.timeoutSeconds
    }
}
