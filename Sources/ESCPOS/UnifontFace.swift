/// GNU Unifont glyphs (8 or 16 dots wide, 16 high) read from the Debian `unifont` package's
/// `.hex` file, for printing text no code page has and for drawing receipts to PNG.
public struct UnifontFace: Sendable {
    /// One glyph: 16 rows; bit 15 of each row is the leftmost dot.
    public struct Glyph: Sendable, Equatable {
        /// 8 or 16.
        public var width: Int
        /// 16 rows, leftmost dot in bit 15.
        public var rows: [UInt16]

        /// Whether the dot at (x, y) is black.
        public func isSet(x: Int, y: Int) -> Bool {
            guard x >= 0, x < width, y >= 0, y < rows.count else { return false }
            return rows[y] & (0x8000 >> UInt16(x)) != 0
        }
    }

    /// Glyph height in dots.
    public static let height = 16
    /// Where Debian's `unifont` package puts the font.
    public static let debianPath = "/usr/share/unifont/unifont.hex"

    /// The system font; nil when the `unifont` package is not installed. Nothing is read
    /// until a glyph is asked for, and then only that glyph's line of the file (found by a
    /// binary search over the sorted `.hex` file); glyphs once read are kept. A kiosk whose
    /// printer has code pages for every letter never reads the file at all.
    public static let system: UnifontFace? = try? UnifontFace(contentsOfFile: debianPath)

    private let storage: Storage
    /// Letters already fitted to user-defined cells with this face's glyphs.
    let fittedCells = UserDefinedGlyphCache()

    private enum Storage: Sendable {
        case table([UInt32: Glyph])
        case file(UnifontFile)
    }

    /// A face over a `.hex` file (`XXXX:hexbits` lines sorted by code point, as GNU Unifont
    /// ships it), read lazily: one glyph's line when it is first asked for.
    public init(contentsOfFile path: String) throws(UnifontError) {
        guard let file = UnifontFile(path: path) else { throw UnifontError(path: path) }
        storage = .file(file)
    }

    /// Parses `.hex` text given as bytes, all at once; malformed lines are skipped.
    public init(hexData: [UInt8]) {
        var glyphs: [UInt32: Glyph] = [:]
        var i = 0
        let n = hexData.count
        while i < n {
            var end = i
            while end < n && hexData[end] != 0x0A { end += 1 }
            if let (code, glyph) = Self.parseLine(hexData[i..<end]) { glyphs[code] = glyph }
            i = end + 1
        }
        storage = .table(glyphs)
    }

    /// The code point and glyph of one `.hex` line (without its newline), or nil when malformed.
    static func parseLine(_ line: ArraySlice<UInt8>) -> (UInt32, Glyph)? {
        func nibble(_ c: UInt8) -> UInt16? {
            switch c {
            case 0x30...0x39: UInt16(c - 0x30)
            case 0x41...0x46: UInt16(c - 0x41 + 10)
            case 0x61...0x66: UInt16(c - 0x61 + 10)
            default: nil
            }
        }
        var code: UInt32 = 0
        var j = line.startIndex
        let end = line.endIndex
        while j < end, j - line.startIndex < 8, let v = nibble(line[j]) {
            code = code << 4 | UInt32(v)
            j += 1
        }
        guard j > line.startIndex, j < end, line[j] == 0x3A else { return nil }
        j += 1
        var digits = end - j
        if digits > 0 && line[end - 1] == 0x0D { digits -= 1 }
        guard digits == 32 || digits == 64 else { return nil }
        let wide = digits == 64
        let perRow = wide ? 4 : 2
        var rows = [UInt16](repeating: 0, count: 16)
        for r in 0..<16 {
            var v: UInt16 = 0
            for k in 0..<perRow {
                guard let d = nibble(line[j + r * perRow + k]) else { return nil }
                v = v << 4 | d
            }
            rows[r] = wide ? v : v << 8
        }
        return (code, Glyph(width: wide ? 16 : 8, rows: rows))
    }

    /// The glyph for a character, if the font has one.
    public func glyph(for scalar: Unicode.Scalar) -> Glyph? {
        switch storage {
        case .table(let glyphs): glyphs[scalar.value]
        case .file(let file): file.glyph(scalar.value)
        }
    }

    /// Number of glyphs in the font (for a file, counted by reading it through).
    public var count: Int {
        switch storage {
        case .table(let glyphs): glyphs.count
        case .file(let file): file.count
        }
    }

    /// The box drawn for a character the font lacks: visibly not a letter, never a `?`.
    public static let placeholder = Glyph(
        width: 8,
        rows: [
            0, 0, 0x7E00, 0x4200, 0x4200, 0x4200, 0x4200, 0x4200, 0x4200, 0x4200, 0x4200, 0x4200, 0x4200, 0x7E00, 0, 0,
        ])
}

/// The Unifont file could not be read.
public struct UnifontError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// Says which package provides the file.
    public var description: String { "\(path): cannot read the font (install the Debian package 'unifont')" }
}
