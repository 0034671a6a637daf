import Foundation

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

    /// The system font, loaded once; nil when the `unifont` package is not installed.
    public static let system: UnifontFace? = try? UnifontFace(contentsOfFile: debianPath)

    private let glyphs: [UInt32: Glyph]

    /// Reads a `.hex` file (`XXXX:hexbits` lines).
    public init(contentsOfFile path: String) throws(UnifontError) {
        guard let data = FileManager.default.contents(atPath: path) else { throw UnifontError(path: path) }
        self.init(hexData: [UInt8](data))
    }

    /// Parses `.hex` text given as bytes; malformed lines are skipped.
    public init(hexData: [UInt8]) {
        var glyphs: [UInt32: Glyph] = [:]
        glyphs.reserveCapacity(60_000)
        func nibble(_ c: UInt8) -> UInt16? {
            switch c {
            case 0x30...0x39: UInt16(c - 0x30)
            case 0x41...0x46: UInt16(c - 0x41 + 10)
            case 0x61...0x66: UInt16(c - 0x61 + 10)
            default: nil
            }
        }
        var i = 0
        let n = hexData.count
        while i < n {
            var end = i
            while end < n && hexData[end] != 0x0A { end += 1 }
            defer { i = end + 1 }
            var code: UInt32 = 0
            var j = i
            while j < end, let v = nibble(hexData[j]) {
                code = code << 4 | UInt32(v)
                j += 1
            }
            guard j < end, hexData[j] == 0x3A else { continue }
            j += 1
            var digits = end - j
            if digits > 0 && hexData[end - 1] == 0x0D { digits -= 1 }
            guard digits == 32 || digits == 64 else { continue }
            let wide = digits == 64
            var rows = [UInt16](repeating: 0, count: 16)
            var ok = true
            for r in 0..<16 {
                var v: UInt16 = 0
                for k in 0..<(wide ? 4 : 2) {
                    guard let d = nibble(hexData[j + r * (wide ? 4 : 2) + k]) else {
                        ok = false
                        break
                    }
                    v = v << 4 | d
                }
                rows[r] = wide ? v : v << 8
            }
            if ok { glyphs[code] = Glyph(width: wide ? 16 : 8, rows: rows) }
        }
        self.glyphs = glyphs
    }

    /// The glyph for a character, if the font has one.
    public func glyph(for scalar: Unicode.Scalar) -> Glyph? { glyphs[scalar.value] }

    /// Number of glyphs loaded.
    public var count: Int { glyphs.count }

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
