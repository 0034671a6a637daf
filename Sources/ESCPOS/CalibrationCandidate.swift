#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One way a printer might print Vietnamese, offered on the calibration sheet with its own
/// barcode: the technician scans the barcode of the line that reads right.
public enum CalibrationCandidate: Sendable, Hashable, CustomStringConvertible {
    /// CP1258 under `ESC t page`; `composes`: base letter + combining tone mark (the printer
    /// draws the mark over the letter before it), otherwise precomposed letters only.
    case cp1258(page: UInt8, composes: Bool)
    /// TCVN-3, lower case and capitals on two pages.
    case tcvn3(lower: UInt8, upper: UInt8)
    /// Letters downloaded as user-defined characters (`ESC &`).
    case userDefined
    /// Every Vietnamese line as a raster image (always prints; the slowest).
    case raster

    /// The barcode's text, e.g. `CAL:T:CP1258-52-C`.
    public var code: String {
        switch self {
        case .cp1258(let page, let composes): "CAL:T:CP1258-\(page)-\(composes ? "C" : "P")"
        case .tcvn3(let lower, let upper): "CAL:T:TCVN3-\(lower)-\(upper)"
        case .userDefined: "CAL:T:UDC"
        case .raster: "CAL:T:RASTER"
        }
    }

    /// Reads a scanned `code` back; nil when it is not a candidate's.
    public init?(code: String) {
        guard code.hasPrefix("CAL:T:") else { return nil }
        let parts = code.dropFirst(6).split(separator: "-").map(String.init)
        switch parts.first {
        case "UDC" where parts.count == 1: self = .userDefined
        case "RASTER" where parts.count == 1: self = .raster
        case "CP1258" where parts.count == 3:
            guard let page = UInt8(parts[1]), parts[2] == "C" || parts[2] == "P" else { return nil }
            self = .cp1258(page: page, composes: parts[2] == "C")
        case "TCVN3" where parts.count == 3:
            guard let lower = UInt8(parts[1]), let upper = UInt8(parts[2]) else { return nil }
            self = .tcvn3(lower: lower, upper: upper)
        default: return nil
        }
    }

    /// `CP1258 page 52, marks composed`.
    public var description: String {
        switch self {
        case .cp1258(let page, true): "CP1258 page \(page), marks composed"
        case .cp1258(let page, false): "CP1258 page \(page), precomposed only"
        case .tcvn3(let lower, let upper): "TCVN-3 pages \(lower)/\(upper)"
        case .userDefined: "user-defined characters"
        case .raster: "raster"
        }
    }

    /// The candidates for a printer: every code page number known for Vietnamese in
    /// `profiles` (any vendor's), CP1258 both composed and precomposed, then user-defined
    /// characters and raster.
    public static func all(knownFrom profiles: [PrinterProfile]) -> [CalibrationCandidate] {
        var pages = Set<UInt8>()
        var pairs = Set<[UInt8]>()
        for profile in profiles {
            if let page = profile.codePages[.cp1258] { pages.insert(page) }
            if let lower = profile.codePages[.tcvn3Lower], let upper = profile.codePages[.tcvn3Upper] {
                pairs.insert([lower, upper])
            }
        }
        var result: [CalibrationCandidate] = []
        for page in pages.sorted() {
            result.append(.cp1258(page: page, composes: true))
            result.append(.cp1258(page: page, composes: false))
        }
        for pair in pairs.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            result.append(.tcvn3(lower: pair[0], upper: pair[1]))
        }
        return result + [.userDefined, .raster]
    }

    /// The candidates from every profile in `directory` (`Hardware/printers`, read at run time
    /// so a page number added to any profile is offered on every printer); profiles that do
    /// not load are skipped.
    public static func all(inDirectory directory: String) -> [CalibrationCandidate] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
            .filter { $0.hasSuffix(".conf") }
        return all(
            knownFrom: names.compactMap { try? PrinterProfile.load(named: String($0.dropLast(5)), from: directory) })
    }

    /// `base` printing Vietnamese this way only (its other values kept): the profile the
    /// sample line is encoded with, and the text part of the calibrated profile.
    public func applied(to base: PrinterProfile) -> PrinterProfile {
        var profile = base
        profile.codePages = profile.codePages.filter { $0.key == .cp437 }
        profile.cp1258ComposesMarks = false
        switch self {
        case .cp1258(let page, let composes):
            profile.codePages[.cp1258] = page
            profile.cp1258ComposesMarks = composes
            profile.userDefinedCells = [:]
        case .tcvn3(let lower, let upper):
            profile.codePages[.tcvn3Lower] = lower
            profile.codePages[.tcvn3Upper] = upper
            profile.userDefinedCells = [:]
        case .userDefined:
            if profile.userDefinedCells.isEmpty {
                // The cells of the common clones (12x24 font A, 9x17 font B).
                profile.userDefinedCells = [
                    .a: UserDefinedCell(width: 12, height: 24), .b: UserDefinedCell(width: 9, height: 17),
                ]
            }
        case .raster:
            profile.userDefinedCells = [:]
        }
        return profile
    }
}
