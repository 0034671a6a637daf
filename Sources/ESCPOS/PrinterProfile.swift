#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What a receipt printer model can do: paper width, fonts, code pages and features.
///
/// Loaded from `Hardware/printers/NAME.conf` (systemd-unit INI syntax). The encoder reads it to
/// decide how each line is sent; the device layer reads `defaultBaud` and `hasStatus`.
/// A `[UserDefinedCharacters]` section (`CellFontA=12x24`, `CellFontB=9x17`, `Codes=32-126`)
/// lets the encoder download letters no code page has (`ESC &`).
public struct PrinterProfile: Sendable, Equatable {
    /// How the printer cuts paper.
    public enum Cutter: String, Sendable, Equatable {
        /// No cutter: the encoder feeds paper for tearing instead.
        case none = "no"
        /// Full cut only.
        case full = "yes"
        /// Partial cut (one point left uncut), the usual receipt cut.
        case partial = "partial"
    }

    /// File name without `.conf`, e.g. `generic-80mm`.
    public var name: String
    /// Human-readable model name.
    public var model: String
    /// Printable width in dots (384 for 58 mm, 576 for 80 mm at 203 dpi).
    public var paperWidthDots: Int
    /// Characters per line in font A (12×24).
    public var columnsFontA: Int
    /// Characters per line in font B (9×17).
    public var columnsFontB: Int
    /// `ESC t n` numbers of the code pages this printer has.
    public var codePages: [CodePage: UInt8]
    /// Whether the printer draws CP1258 combining tone marks over the previous letter.
    public var cp1258ComposesMarks: Bool
    /// Whether `GS ( k` QR codes print natively.
    public var nativeQR: Bool
    /// Cutter kind.
    public var cutter: Cutter
    /// Whether the printer answers `DLE EOT n` real-time status requests.
    public var hasStatus: Bool
    /// Whether the printer has a buzzer driven by `ESC B n t`.
    public var hasBuzzer: Bool
    /// Whether the printer sends Automatic Status Back (`GS a n`): a 4-byte status message
    /// on every change of its state, so the link knows paper out or cover open without asking.
    public var hasAutomaticStatusBack = false
    /// Whether `GS v 0` honours its scale parameter (m = 3: each dot printed 2×2), so a raster
    /// QR code goes at half its module size for a quarter of the bytes.
    public var rasterScaling = false
    /// Factory baud rate of the serial interface.
    public var defaultBaud: Int
    /// Dots per QR module, native or raster.
    public var qrModuleSize: Int
    /// The user-defined character cell (`ESC &`) of each font that takes them.
    public var userDefinedCells: [TextStyle.Font: UserDefinedCell]
    /// Codes the encoder may define (`ESC &` takes 32...126; some firmware fewer).
    public var userDefinedCodes: ClosedRange<UInt8>

    /// Creates a profile from its parts (tests and built-in fallbacks).
    public init(
        name: String, model: String, paperWidthDots: Int, columnsFontA: Int, columnsFontB: Int,
        codePages: [CodePage: UInt8] = [.cp437: 0], cp1258ComposesMarks: Bool = false, nativeQR: Bool = false,
        cutter: Cutter = .partial, hasStatus: Bool = true, hasBuzzer: Bool = false, defaultBaud: Int = 115200,
        qrModuleSize: Int = 6, userDefinedCells: [TextStyle.Font: UserDefinedCell] = [:],
        userDefinedCodes: ClosedRange<UInt8> = 32...126
    ) {
        self.name = name
        self.model = model
        self.paperWidthDots = paperWidthDots
        self.columnsFontA = columnsFontA
        self.columnsFontB = columnsFontB
        self.codePages = codePages
        self.cp1258ComposesMarks = cp1258ComposesMarks
        self.nativeQR = nativeQR
        self.cutter = cutter
        self.hasStatus = hasStatus
        self.hasBuzzer = hasBuzzer
        self.defaultBaud = defaultBaud
        self.qrModuleSize = qrModuleSize
        self.userDefinedCells = userDefinedCells
        self.userDefinedCodes = userDefinedCodes
    }

    /// Parses a profile from the text of its `.conf` file.
    ///
    /// Unknown sections or keys, missing required keys and bad values are errors naming the
    /// line and key, so a typo never silently changes how receipts print.
    public static func parse(_ text: String, name: String) throws(PrinterProfileError) -> PrinterProfile {
        let source = name + ".conf"
        let ini = try ProfileText(text, source: source)
        var p = PrinterProfile(name: name, model: name, paperWidthDots: 0, columnsFontA: 0, columnsFontB: 0)
        var seen = Set<String>()
        for e in ini.entries {
            func fail(_ reason: String) -> PrinterProfileError {
                PrinterProfileError(source: source, line: e.line, key: e.key, reason: reason)
            }
            func int(_ range: ClosedRange<Int>) throws(PrinterProfileError) -> Int {
                guard let v = Int(e.value), range.contains(v) else {
                    throw fail("'\(e.value)' is not a number in \(range.lowerBound)...\(range.upperBound)")
                }
                return v
            }
            func bool() throws(PrinterProfileError) -> Bool {
                switch e.value.lowercased() {
                case "yes", "true", "1", "on": return true
                case "no", "false", "0", "off": return false
                default: throw fail("'\(e.value)' is not yes or no")
                }
            }
            let path = e.section + "." + e.key
            guard seen.insert(path).inserted else { throw fail("set twice") }
            switch path {
            case "Printer.Model": p.model = e.value
            case "Printer.PaperWidthDots": p.paperWidthDots = try int(8...2048)
            case "Printer.ColumnsFontA": p.columnsFontA = try int(8...255)
            case "Printer.ColumnsFontB": p.columnsFontB = try int(8...255)
            case "Printer.DefaultBaud":
                p.defaultBaud = try int(1200...921_600)
            case "CodePages.CP437": p.codePages[.cp437] = UInt8(try int(0...255))
            case "CodePages.TCVN3Lower": p.codePages[.tcvn3Lower] = UInt8(try int(0...255))
            case "CodePages.TCVN3Upper": p.codePages[.tcvn3Upper] = UInt8(try int(0...255))
            case "CodePages.CP1258": p.codePages[.cp1258] = UInt8(try int(0...255))
            case "CodePages.CP1258Composes": p.cp1258ComposesMarks = try bool()
            case "Features.NativeQR": p.nativeQR = try bool()
            case "Features.Cut":
                guard let c = Cutter(rawValue: e.value.lowercased()) else { throw fail("expected no, yes or partial") }
                p.cutter = c
            case "Features.Status": p.hasStatus = try bool()
            case "Features.Buzzer": p.hasBuzzer = try bool()
            case "Features.AutomaticStatusBack": p.hasAutomaticStatusBack = try bool()
            case "Features.RasterScaling": p.rasterScaling = try bool()
            case "Features.QRModuleSize": p.qrModuleSize = try int(1...16)
            case "UserDefinedCharacters.CellFontA", "UserDefinedCharacters.CellFontB":
                guard let cell = UserDefinedCell(e.value) else {
                    throw fail("'\(e.value)' is not a cell size like 12x24 (width 1...32, height 8...32 dots)")
                }
                p.userDefinedCells[e.key == "CellFontA" ? .a : .b] = cell
            case "UserDefinedCharacters.Codes":
                let bounds = e.value.split(separator: "-").map { Int(trimmingWhitespace($0)) }
                guard bounds.count == 2, let low = bounds[0], let high = bounds[1], 32 <= low, low <= high, high <= 126
                else { throw fail("'\(e.value)' is not a range of codes like 32-126 (within 32-126)") }
                p.userDefinedCodes = UInt8(low)...UInt8(high)
            default:
                if !["Printer", "CodePages", "Features", "UserDefinedCharacters"].contains(e.section) {
                    throw fail("unknown section [\(e.section)]")
                }
                throw fail("unknown key in [\(e.section)]")
            }
        }
        for required in ["Printer.PaperWidthDots", "Printer.ColumnsFontA", "Printer.ColumnsFontB"]
        where !seen.contains(required) {
            throw PrinterProfileError(
                source: source, line: 0, key: String(required.split(separator: ".")[1]), reason: "required key missing")
        }
        if (p.codePages[.tcvn3Lower] == nil) != (p.codePages[.tcvn3Upper] == nil) {
            throw PrinterProfileError(
                source: source, line: 0, key: "TCVN3Upper", reason: "TCVN-3 needs both TCVN3Lower and TCVN3Upper")
        }
        return p
    }

    /// Loads `directory/name.conf`.
    public static func load(named name: String, from directory: String) throws(PrinterProfileError)
        -> PrinterProfile
    {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !name.isEmpty else {
            throw PrinterProfileError(source: name, line: 0, key: "Profile", reason: "not a profile name")
        }
        let path = directory + "/" + name + ".conf"
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw PrinterProfileError(source: path, line: 0, key: nil, reason: "cannot read the profile file")
        }
        return try parse(text, name: name)
    }
}

/// `text` without the white space at either end (what Foundation's
/// `trimmingCharacters(in: .whitespaces)` gave for a profile's values).
private func trimmingWhitespace(_ text: Substring) -> Substring {
    var text = text
    while text.first?.isWhitespace == true { text.removeFirst() }
    while text.last?.isWhitespace == true { text.removeLast() }
    return text
}
