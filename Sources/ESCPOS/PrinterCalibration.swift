#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The calibration sheet a kiosk prints to find out, with its own scanner, how its printer
/// prints Vietnamese, cuts and beeps — and the local profile written from the answers.
///
/// The sheet has one sample line per `CalibrationCandidate`, each under a small CODE128 of
/// the candidate's code; then one barcode per cut (each followed by that cut) and per buzzer
/// answer. The technician scans the barcode of the line that reads right, of the cut that
/// looks right and of the buzzer answer; `profile(...)` turns the three scans into a profile.
public enum PrinterCalibration {
    /// The Vietnamese sample: a tone mark of every kind, Đ, ơ and ư, capitals and lower case.
    public static let sample = "Tiếng Việt: Đặng Phượng Ửng Ỹ ẫ"
    /// The sample for CP1258 without composed marks: only letters that page has precomposed
    /// (the others would go as raster on any printer, telling nothing about the page).
    public static let precomposedSample = "Ă Â Ê Ô Ơ Ư Đ à á è é ó ú ư ơ đ"

    /// The sample line for `candidate`.
    public static func sample(for candidate: CalibrationCandidate) -> String {
        if case .cp1258(_, false) = candidate { return precomposedSample }
        return sample
    }

    /// A scanned answer of the sheet.
    public enum Answer: Sendable, Equatable {
        /// The line that reads right.
        case text(CalibrationCandidate)
        /// The cut that looks right (`.none`: no cut happened at all).
        case cut(PrinterProfile.Cutter)
        /// Whether the buzzer sounded.
        case buzzer(Bool)

        /// Reads a scan; nil when it is not one of the sheet's barcodes.
        public init?(scan: String) {
            if let candidate = CalibrationCandidate(code: scan) {
                self = .text(candidate)
            } else if scan.hasPrefix("CAL:CUT:"),
                let cutter = PrinterProfile.Cutter(rawValue: String(scan.dropFirst(8)))
            {
                self = .cut(cutter)
            } else if scan == "CAL:BUZ:yes" || scan == "CAL:BUZ:no" {
                self = .buzzer(scan == "CAL:BUZ:yes")
            } else {
                return nil
            }
        }
    }

    /// The sheet's bytes for a printer whose profile so far is `base`.
    public static func sheet(base: PrinterProfile, candidates: [CalibrationCandidate]) -> [UInt8] {
        var bytes: [UInt8] = []
        var plain = ESCPOSEncoder(profile: base, textRendering: .rasterOnly)
        plain.initialize()
        plain.text("PRINTER CALIBRATION", style: TextStyle(bold: true, alignment: .center))
        plain.text("Scan the barcode above the line that reads exactly:", style: .plain)
        plain.text(sample, style: .plain)
        plain.feed(lines: 1)
        bytes += plain.bytes
        for candidate in candidates {
            var label = ESCPOSEncoder(profile: base)
            label.align(.left)
            label.text(candidate.description, style: TextStyle(font: .b))
            label.code128(candidate.code, height: 40, moduleWidth: 1)
            bytes += label.bytes
            var line = ESCPOSEncoder(
                profile: candidate.applied(to: base), textRendering: candidate == .raster ? .rasterOnly : .cheapest)
            line.text(sample(for: candidate), style: .plain)
            line.feed(lines: 1)
            bytes += line.bytes
        }
        // Cuts: each barcode, then that cut. "none": scan if no cut happened at all.
        var cuts = ESCPOSEncoder(profile: withCutter(base, .partial))
        cuts.text("Then scan the barcode above the cut that looks right:", style: .plain)
        cuts.code128("CAL:CUT:partial", height: 40, moduleWidth: 1)
        cuts.cut(.partial, feed: 2)
        bytes += cuts.bytes
        var full = ESCPOSEncoder(profile: withCutter(base, .full))
        full.code128("CAL:CUT:yes", height: 40, moduleWidth: 1)
        full.cut(.full, feed: 2)
        full.text("If the paper was not cut at all:", style: .plain)
        full.code128("CAL:CUT:no", height: 40, moduleWidth: 1)
        bytes += full.bytes
        var buzzer = base
        buzzer.hasBuzzer = true
        var beep = ESCPOSEncoder(profile: buzzer)
        beep.beep(times: 2, duration: 2)
        beep.text("Did the printer beep just now?", style: .plain)
        beep.text("Yes:", style: .plain)
        beep.code128("CAL:BUZ:yes", height: 40, moduleWidth: 1)
        beep.text("No:", style: .plain)
        beep.code128("CAL:BUZ:no", height: 40, moduleWidth: 1)
        beep.feed(lines: 1)
        beep.cut(.partial, feed: 3)
        bytes += beep.bytes
        return bytes
    }

    /// The calibrated profile: `base` with the chosen text path, cut and buzzer.
    public static func profile(
        base: PrinterProfile, text: CalibrationCandidate, cut: PrinterProfile.Cutter, buzzer: Bool
    ) -> PrinterProfile {
        var profile = text.applied(to: base)
        profile.cutter = cut
        profile.hasBuzzer = buzzer
        return profile
    }

    /// The confirmation receipt, printed with the calibrated profile.
    public static func confirmation(_ profile: PrinterProfile, text: CalibrationCandidate, file: String) -> [UInt8] {
        var e = ESCPOSEncoder(profile: profile)
        e.initialize()
        e.text("PRINTER CALIBRATED", style: TextStyle(bold: true, alignment: .center))
        e.text("Vietnamese:\n\(text)", style: .plain)
        e.text("Cut: \(profile.cutter.rawValue)  Buzzer: \(profile.hasBuzzer ? "yes" : "no")", style: .plain)
        e.text(sample(for: text), style: .plain)
        e.text(sample, style: .plain)
        e.text("Profile written: \(file)", style: TextStyle(font: .b))
        e.feed(lines: 1)
        e.beep(times: 1, duration: 2)
        e.cut(.partial, feed: 3)
        return e.bytes
    }

    private static func withCutter(_ base: PrinterProfile, _ cutter: PrinterProfile.Cutter) -> PrinterProfile {
        var profile = base
        profile.cutter = cutter
        return profile
    }
}
