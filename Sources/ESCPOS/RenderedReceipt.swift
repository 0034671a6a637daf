/// What an ESC/POS byte stream prints, as the interpreter understood it.
public struct RenderedReceipt: Sendable, Equatable {
    /// A stretch of a printed line in one style and code page.
    public struct Run: Sendable, Equatable {
        /// Decoded text (NFC).
        public var text: String
        /// Style in force.
        public var style: TextStyle
        /// `ESC t` number in force.
        public var codePage: UInt8
        /// For a run of user-defined characters (`ESC % 1`), each character's cell as
        /// downloaded, in the order of `text`'s characters (which name the letters the cells
        /// show); empty for resident text.
        public var userDefinedGlyphs: [MonochromeBitmap] = []
    }

    /// One printed text line.
    public struct Line: Sendable, Equatable {
        /// The runs, left to right.
        public var runs: [Run]
        /// Alignment in force when the line printed.
        public var alignment: TextStyle.Alignment
        /// The whole line's text.
        public var text: String { runs.map(\.text).joined() }
    }

    /// A printed part.
    public enum Element: Sendable, Equatable {
        /// A text line.
        case text(Line)
        /// A CODE128 barcode (`symbol` is nil when its data was invalid).
        case code128(symbol: Code128.Symbol?, height: Int, moduleWidth: Int, alignment: TextStyle.Alignment)
        /// A barcode of another type, kept by type number and data.
        case otherBarcode(type: UInt8, data: [UInt8])
        /// A native QR code: the stored data, printed by `GS ( k … 81`.
        case qr(data: [UInt8], moduleSize: Int, errorCorrection: QRErrorCorrection, alignment: TextStyle.Alignment)
        /// A raster image.
        case raster(MonochromeBitmap, alignment: TextStyle.Alignment)
        /// Paper fed by this many dots.
        case feed(dots: Int)
        /// A cut.
        case cut(partial: Bool)
        /// A real-time status request `DLE EOT n` an emulator should answer.
        case statusRequest(UInt8)
        /// A buzzer command.
        case beep(times: Int)
    }

    /// Printed parts in order.
    public var elements: [Element] = []
    /// Commands skipped or cut short, with the byte offset (at most `maxNotes`).
    public var notes: [String] = []
    /// Paper width in dots the stream was interpreted for.
    public var paperWidthDots: Int
    /// Characters per line in font A on that printer (sets the text cell width).
    public var columnsFontA = 48
    /// Characters per line in font B.
    public var columnsFontB = 64

    /// Notes kept at most; a flood of garbage must not use unbounded memory.
    public static let maxNotes = 200

    /// The decoded text lines only (tests compare these).
    public var textLines: [String] {
        elements.compactMap { if case .text(let l) = $0 { l.text } else { nil } }
    }

    /// Status requests in order, for an emulator to answer.
    public var statusRequests: [UInt8] {
        elements.compactMap { if case .statusRequest(let n) = $0 { n } else { nil } }
    }

    /// A plain-text account: text lines (with the code pages used, when not page 0),
    /// `[CODE128 …]`, `[QR …]`, `[RASTER w×h]`, `[FEED n dots]` (24 dots or more), `[CUT]`, `[STATUS n]`.
    public var transcript: String {
        var out = ""
        for e in elements {
            switch e {
            case .text(let line):
                out += line.text
                var pages: [UInt8] = []
                for r in line.runs where pages.last != r.codePage { pages.append(r.codePage) }
                if pages != [0] && !line.runs.isEmpty {
                    out += "  [code page " + pages.map(String.init).joined(separator: "→") + "]"
                }
                let downloaded = line.runs.reduce(0) { $0 + $1.userDefinedGlyphs.count }
                if downloaded > 0 { out += "  [user-defined ×\(downloaded)]" }
            case .code128(let symbol, _, _, _): out += "[CODE128 \(symbol?.text ?? "invalid data")]"
            case .otherBarcode(let type, let data): out += "[BARCODE type \(type), \(data.count) bytes]"
            case .qr(let data, _, let level, _):
                out += "[QR \(String(decoding: data, as: UTF8.self)) level \(level)]"
            case .raster(let b, _): out += "[RASTER \(b.width)×\(b.height)]"
            case .feed(let dots):
                // Less than a text line is line spacing (after raster text), not worth a line.
                if dots < 24 { continue }
                out += "[FEED \(dots) dots]"
            case .cut(let partial): out += partial ? "[CUT partial]" : "[CUT]"
            case .statusRequest(let n): out += "[STATUS \(n)]"
            case .beep(let n): out += "[BEEP ×\(n)]"
            }
            out += "\n"
        }
        for n in notes { out += "# " + n + "\n" }
        return out
    }
}
