#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads any ESC/POS byte stream into a `RenderedReceipt`: text decoded to Unicode, barcodes,
/// QR codes, images, feeds, cuts and status requests.
///
/// Never traps and never loops: every step consumes at least one byte, lengths are checked
/// against what is left, and unknown commands are skipped with a note.
public struct ESCPOSInterpreter {
    private let bytes: [UInt8]
    private var i = 0
    private var result: RenderedReceipt
    private let pagesByNumber: [UInt8: CodePage]
    private let columnsA: Int
    private let columnsB: Int

    private var style = TextStyle.plain
    private var page: UInt8 = 0
    private var runs: [RenderedReceipt.Run] = []
    private var lineDots = 0
    private var barcodeHeight = 162
    private var barcodeModule = 3
    private var qrData: [UInt8] = []
    private var qrModule = 3
    private var qrLevel = QRErrorCorrection.low
    private let cellSizes: [TextStyle.Font: UserDefinedCell]
    private var userDefined: [TextStyle.Font: [UInt8: MonochromeBitmap]] = [:]
    private var userDefinedOn = false
    // Made on the first downloaded character printed: loading Unifont takes a while, and a
    // stream without ESC & (every status request an emulator reads) must not wait for it.
    private var recognizer: UserDefinedGlyphRecognizer?

    /// Interprets `bytes` for `profile` (its code page numbers, paper width and user-defined
    /// character cells); without a profile, Epson numbering (30/31 TCVN-3, 52 CP1258), 80 mm
    /// paper and Epson's cells (12×24 font A, 9×17 font B).
    public static func interpret(_ bytes: [UInt8], profile: PrinterProfile? = nil) -> RenderedReceipt {
        var pages: [UInt8: CodePage] = [0: .cp437, 30: .tcvn3Lower, 31: .tcvn3Upper, 52: .cp1258]
        if let profile { pages = Dictionary(profile.codePages.map { ($0.value, $0.key) }) { a, _ in a } }
        var it = ESCPOSInterpreter(
            bytes: bytes, width: profile?.paperWidthDots ?? 576, pages: pages, columnsA: profile?.columnsFontA ?? 48,
            columnsB: profile?.columnsFontB ?? 64,
            cells: profile?.userDefinedCells ?? [
                .a: UserDefinedCell(width: 12, height: 24), .b: UserDefinedCell(width: 9, height: 17),
            ])
        it.run()
        return it.result
    }

    private init(
        bytes: [UInt8], width: Int, pages: [UInt8: CodePage], columnsA: Int, columnsB: Int,
        cells: [TextStyle.Font: UserDefinedCell]
    ) {
        self.cellSizes = cells
        self.bytes = bytes
        self.result = RenderedReceipt(paperWidthDots: width, columnsFontA: columnsA, columnsFontB: columnsB)
        self.pagesByNumber = pages
        self.columnsA = columnsA
        self.columnsB = columnsB
    }

    private mutating func note(_ s: String) {
        if result.notes.count < RenderedReceipt.maxNotes { result.notes.append("offset \(i): " + s) }
    }

    private mutating func byte() -> UInt8? {
        guard i < bytes.count else { return nil }
        defer { i += 1 }
        return bytes[i]
    }

    private mutating func take(_ n: Int) -> [UInt8]? {
        guard n >= 0, i + n <= bytes.count else { return nil }
        defer { i += n }
        return Array(bytes[i..<(i + n)])
    }

    /// Passes over `n` bytes when that many are left (false, and stays put, when not).
    /// Skipped data is never copied: an unused copy from `take` was released before it was
    /// filled in optimized builds (a use after free found by fuzzing, `ESC &`).
    @discardableResult
    private mutating func skip(_ n: Int) -> Bool {
        guard n >= 0, i + n <= bytes.count else { return false }
        i += n
        return true
    }

    private mutating func run() {
        while let b = byte() {
            switch b {
            case 0x0A: flushLine(force: true)
            case 0x0D, 0x00: break
            case 0x09: addText(" ")
            case 0x0C: flushLine(force: false)
            case 0x10: dle()
            case 0x1B: esc()
            case 0x1D: gs()
            case 0x1C: fs()
            case ..<0x20, 0x7F: note("control byte \(hexByte(b)) ignored")
            default: printable(b)
            }
        }
        flushLine(force: false)
        for k in result.elements.indices {
            if case .text(var line) = result.elements[k] {
                for r in line.runs.indices {
                    line.runs[r].text = line.runs[r].text.canonicallyComposed
                }
                result.elements[k] = .text(line)
            }
        }
    }

    // MARK: Text

    private mutating func printable(_ b: UInt8) {
        // A selected user-defined set prints its defined codes; the others stay resident.
        if userDefinedOn, let cell = userDefined[style.font]?[b], let size = cellSizes[style.font] {
            if recognizer == nil { recognizer = UserDefinedGlyphRecognizer(face: .system) }
            return addUserDefined(cell, letter: recognizer!.letter(for: cell, size: size))
        }
        let codePage = pagesByNumber[page] ?? .cp437
        guard let s = codePage.decode(b) else {
            addText("\u{FFFD}")
            return
        }
        addText(String(Character(s)), isMark: s.properties.generalCategory == .nonspacingMark)
    }

    private mutating func addText(_ s: String, isMark: Bool = false) {
        let cell =
            (style.font == .a ? result.paperWidthDots / max(1, columnsA) : result.paperWidthDots / max(1, columnsB))
            * (style.doubleWidth ? 2 : 1)
        if !isMark && lineDots + cell > result.paperWidthDots && lineDots > 0 { flushLine(force: false) }
        if !isMark { lineDots += cell }
        if var last = runs.last, last.style == style, last.codePage == page, last.userDefinedGlyphs.isEmpty {
            last.text.unicodeScalars.append(contentsOf: s.unicodeScalars)
            runs[runs.count - 1] = last
        } else {
            runs.append(RenderedReceipt.Run(text: s, style: style, codePage: page))
        }
    }

    private mutating func addUserDefined(_ cell: MonochromeBitmap, letter: Character) {
        let width =
            (style.font == .a ? result.paperWidthDots / max(1, columnsA) : result.paperWidthDots / max(1, columnsB))
            * (style.doubleWidth ? 2 : 1)
        if lineDots + width > result.paperWidthDots && lineDots > 0 { flushLine(force: false) }
        lineDots += width
        if var last = runs.last, last.style == style, last.codePage == page, !last.userDefinedGlyphs.isEmpty {
            last.text.append(letter)
            last.userDefinedGlyphs.append(cell)
            runs[runs.count - 1] = last
        } else {
            runs.append(
                RenderedReceipt.Run(text: String(letter), style: style, codePage: page, userDefinedGlyphs: [cell]))
        }
    }

    /// `ESC & y c1 c2 [x d1…d(y·x)]…`: defines codes c1…c2 of the selected font, each `x`
    /// columns of `y` bytes. Codes outside 32…126 or wider than the cell are read and dropped,
    /// as a printer drops them.
    private mutating func defineUserCharacters() {
        guard let h = take(3) else { return note("ESC & cut short") }
        let y = Int(h[0])
        guard h[1] <= h[2] else { return note("ESC & with c1 > c2 skipped") }
        let size = cellSizes[style.font]
        for code in h[1]...h[2] {
            guard let x = byte() else { return note("ESC & cut short") }
            let n = y * Int(x)
            guard i + n <= bytes.count else {
                i = bytes.count
                return note("ESC & cut short")
            }
            let data = bytes[i..<(i + n)]
            i += n
            guard let size, (32...126).contains(code), Int(x) <= size.width, y == size.bytesPerColumn else {
                note("ESC & definition of code \(code) does not fit the font's cell, dropped")
                continue
            }
            userDefined[style.font, default: [:]][code] = size.cell(columns: Int(x), data: data, bytesPerColumn: y)
        }
    }

    private mutating func flushLine(force: Bool) {
        if runs.isEmpty && !force { return }
        result.elements.append(.text(RenderedReceipt.Line(runs: runs, alignment: style.alignment)))
        runs = []
        lineDots = 0
    }

    private mutating func feed(dots: Int) {
        flushLine(force: false)
        result.elements.append(.feed(dots: dots))
    }

    // MARK: Commands

    private mutating func dle() {
        guard let c = byte() else { return }
        switch c {
        case 0x04:
            if let n = byte() { result.elements.append(.statusRequest(n)) }
        case 0x05: _ = byte()
        case 0x14: skip(3)
        default: note("unknown DLE \(hexByte(c)) skipped")
        }
    }

    private mutating func esc() {
        guard let c = byte() else { return note("ESC at end of data") }
        switch c {
        case 0x40:
            flushLine(force: false)
            style = .plain
            page = 0
            qrData = []
            userDefined = [:]
            userDefinedOn = false
        case 0x45, 0x47: if let n = byte() { style.bold = n & 1 == 1 }
        case 0x2D: if let n = byte() { style.underline = n & 3 != 0 && n != 0x30 }
        case 0x61:
            if let n = byte() { style.alignment = TextStyle.Alignment(rawValue: n >= 0x30 ? n - 0x30 : n) ?? .left }
        case 0x4D: if let n = byte() { style.font = n & 1 == 1 ? .b : .a }
        case 0x74:
            if let n = byte() {
                page = n
                if pagesByNumber[n] == nil { note("code page \(n) unknown, read as CP437") }
            }
        case 0x21:
            if let n = byte() {
                style.font = n & 1 == 1 ? .b : .a
                style.bold = n & 0x08 != 0
                style.doubleHeight = n & 0x10 != 0
                style.doubleWidth = n & 0x20 != 0
                style.underline = n & 0x80 != 0
            }
        case 0x64:
            if let n = byte() {
                if runs.isEmpty {
                    feed(dots: Int(n) * 24)
                } else {
                    flushLine(force: true)
                    if n > 1 { feed(dots: Int(n - 1) * 24) }
                }
            }
        case 0x4A: if let n = byte() { feed(dots: Int(n)) }
        case 0x42:
            if let n = take(2) { result.elements.append(.beep(times: Int(n[0]))) }
        case 0x69, 0x6D:
            flushLine(force: false)
            result.elements.append(.cut(partial: c == 0x6D))
        case 0x32, 0x3C, 0x53, 0x4C: break
        case 0x25: if let n = byte() { userDefinedOn = n & 1 == 1 }
        case 0x3F: if let n = byte() { userDefined[style.font]?[n] = nil }
        case 0x33, 0x20, 0x52, 0x56, 0x7B, 0x72, 0x55, 0x54, 0x3D, 0x65: _ = byte()
        case 0x63: skip(2)
        case 0x24, 0x5C: skip(2)
        case 0x70: skip(3)
        case 0x57: skip(8)
        case 0x44:
            while let t = byte(), t != 0 {}
        case 0x2A:
            guard let h = take(3) else { return note("ESC * cut short") }
            let n = Int(h[1]) + Int(h[2]) * 256
            let len = (h[0] == 32 || h[0] == 33) ? n * 3 : n
            if !skip(len) {
                i = bytes.count
                note("ESC * image cut short")
            } else {
                note("ESC * bit image skipped")
            }
        case 0x26: defineUserCharacters()
        case 0x28:
            guard let h = take(3) else { return }
            skip(Int(h[1]) + Int(h[2]) * 256)
            note("ESC ( \(hexByte(h[0])) skipped")
        default:
            note("unknown ESC \(hexByte(c)) skipped")
        }
    }

    private mutating func fs() {
        guard let c = byte() else { return }
        switch c {
        case 0x26, 0x2E: break
        case 0x43, 0x21, 0x2D, 0x57: _ = byte()
        case 0x70: skip(2)
        default: note("unknown FS \(hexByte(c)) skipped")
        }
    }

    private mutating func gs() {
        guard let c = byte() else { return note("GS at end of data") }
        switch c {
        case 0x21:
            if let n = byte() {
                style.doubleWidth = n & 0xF0 != 0
                style.doubleHeight = n & 0x0F != 0
            }
        case 0x56:
            guard let m = byte() else { return }
            if m == 65 || m == 66 || m == 97 || m == 98 || m == 103 || m == 104 {
                if let n = byte(), n > 0 { feed(dots: Int(n)) }
            }
            flushLine(force: false)
            result.elements.append(.cut(partial: m == 1 || m == 49 || m == 66 || m == 98 || m == 104))
        case 0x48: _ = byte()  // HRI position: the text is always drawn below
        case 0x68: if let n = byte() { barcodeHeight = max(1, Int(n)) }
        case 0x77: if let n = byte() { barcodeModule = Int(min(max(n, 1), 6)) }
        case 0x6B: barcode()
        case 0x76:
            guard let h = take(6) else { return note("GS v cut short") }
            guard h[0] == 0x30 else { return note("GS v with unknown function skipped") }
            // m: 0 normal, 1 double width, 2 double height, 3 both (or '0'…'3').
            let m = h[1] & 0x03
            raster(
                widthBytes: Int(h[2]) + Int(h[3]) * 256, height: Int(h[4]) + Int(h[5]) * 256,
                scaleX: m & 1 == 1 ? 2 : 1, scaleY: m & 2 == 2 ? 2 : 1)
        case 0x28:
            guard let h = take(3) else { return note("GS ( cut short") }
            let len = Int(h[1]) + Int(h[2]) * 256
            guard let body = take(len) else {
                i = bytes.count
                return note("GS ( cut short")
            }
            if h[0] == 0x6B { twoDimensional(body) } else { note("GS ( \(hexByte(h[0])) skipped") }
        case 0x42, 0x66, 0x49, 0x72, 0x61, 0x62, 0x2F, 0x45, 0x7C, 0x3A: _ = byte()
        case 0x4C, 0x57, 0x24, 0x5C, 0x50, 0x54: skip(2)
        case 0x2A:
            guard let h = take(2) else { return }
            skip(Int(h[0]) * Int(h[1]) * 8)
            note("GS * downloaded image skipped")
        default: note("unknown GS \(hexByte(c)) skipped")
        }
    }

    private mutating func barcode() {
        guard let m = byte() else { return }
        var data: [UInt8]
        if m <= 6 {
            data = []
            while let b = byte(), b != 0 { data.append(b) }
        } else {
            guard let n = byte(), let d = take(Int(n)) else {
                i = bytes.count
                return note("GS k data cut short")
            }
            data = d
        }
        flushLine(force: false)
        if m == 73 {
            result.elements.append(
                .code128(
                    symbol: Code128.symbol(fromESCPOSData: data), height: barcodeHeight, moduleWidth: barcodeModule,
                    alignment: style.alignment))
        } else {
            result.elements.append(.otherBarcode(type: m, data: data))
        }
    }

    private mutating func raster(widthBytes w: Int, height h: Int, scaleX: Int, scaleY: Int) {
        guard w > 0, h > 0 else { return }
        // Only rows actually present are kept: a lying header cannot make us allocate more.
        let available = (bytes.count - i) / w
        let rows = min(h, available)
        let data = take(rows * w) ?? []
        if rows < h {
            i = bytes.count
            note("GS v 0 image cut short: \(rows) of \(h) rows")
        }
        flushLine(force: false)
        if rows > 0 {
            result.elements.append(
                .raster(
                    MonochromeBitmap(width: w * 8, height: rows, packedRows: data).scaled(x: scaleX, y: scaleY),
                    alignment: style.alignment))
        }
    }

    private mutating func twoDimensional(_ body: [UInt8]) {
        guard body.count >= 2, body[0] == 0x31 else { return note("GS ( k for a symbol other than QR skipped") }
        switch body[1] {
        case 0x41: break
        case 0x43: if body.count >= 3 { qrModule = Int(min(max(body[2], 1), 16)) }
        case 0x45: if body.count >= 3 { qrLevel = QRErrorCorrection(escposByte: body[2]) }
        case 0x50: qrData = Array(body.dropFirst(3))
        case 0x51:
            flushLine(force: false)
            result.elements.append(
                .qr(data: qrData, moduleSize: qrModule, errorCorrection: qrLevel, alignment: style.alignment))
        default: note("GS ( k QR function \(hexByte(body[1])) skipped")
        }
    }
}
