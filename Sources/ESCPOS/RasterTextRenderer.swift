/// Draws a line of text into a bitmap with Unifont glyphs, for text no code page can carry.
///
/// Each character takes its glyph's width (8 or 16 dots) and 16 rows, scaled ×2 for double
/// width or height. Combining marks are drawn over the character before them. A character the
/// font lacks is drawn as an empty box, never as `?`. Text wider than `maxWidth` wraps onto
/// further 16-row bands.
public struct RasterTextRenderer: Sendable {
    /// The font; nil draws every character as a box (the `unifont` package is missing).
    public var face: UnifontFace?

    /// Creates a renderer over a font.
    public init(face: UnifontFace? = UnifontFace.system) {
        self.face = face
    }

    /// The glyph a whole character (base plus combining marks) is drawn with, unscaled.
    public func glyphBitmap(for character: Character) -> MonochromeBitmap {
        let scalars = Array(character.unicodeScalars)
        guard let first = scalars.first else { return MonochromeBitmap(width: 0, height: UnifontFace.height) }
        let base = face?.glyph(for: first) ?? UnifontFace.placeholder
        var bitmap = Self.bitmap(of: base)
        for mark in scalars.dropFirst() {
            guard let g = face?.glyph(for: mark) else { continue }
            // Unifont draws combining marks in their own cell, meant to overlay the letter.
            let m = Self.bitmap(of: g)
            bitmap.draw(m, x: max(0, (base.width - g.width) / 2), y: 0)
        }
        return bitmap
    }

    /// The size of the image `render` draws for `text`, found from the glyphs' widths alone.
    public func size(of text: String, style: TextStyle, maxWidth: Int) -> (width: Int, height: Int) {
        let sx = style.doubleWidth ? 2 : 1
        var x = 0
        var band = 0
        var widest = 0
        for ch in text {
            let width = ch.unicodeScalars.first.map { (face?.glyph(for: $0) ?? UnifontFace.placeholder).width } ?? 0
            let cell = width * sx
            if x > 0 && x + cell > maxWidth {
                band += 1
                x = 0
            }
            x += cell
            widest = max(widest, min(x, maxWidth))
        }
        return (widest, (band + 1) * UnifontFace.height * (style.doubleHeight ? 2 : 1))
    }

    /// Renders `text` (already sanitized) in `style`, at most `maxWidth` dots wide.
    public func render(_ text: String, style: TextStyle, maxWidth: Int) -> MonochromeBitmap {
        let sy = style.doubleHeight ? 2 : 1
        let bandHeight = UnifontFace.height * sy
        var cells: [(MonochromeBitmap, x: Int, band: Int)] = []
        var x = 0
        var band = 0
        var widest = 0
        for ch in text {
            let cell = Self.styled(glyphBitmap(for: ch), style)
            if x > 0 && x + cell.width > maxWidth {
                band += 1
                x = 0
            }
            cells.append((cell, x, band))
            x += cell.width
            widest = max(widest, min(x, maxWidth))
        }
        var out = MonochromeBitmap(width: widest, height: (band + 1) * bandHeight)
        for (cell, cx, b) in cells { out.draw(cell, x: cx, y: b * bandHeight) }
        if style.underline {
            for b in 0...band {
                let rowWidth = cells.filter { $0.band == b }.map { $0.x + $0.0.width }.max() ?? 0
                out.fill(x: 0, y: b * bandHeight + bandHeight - sy, width: rowWidth, height: sy)
            }
        }
        return out
    }

    /// A character cell as a printer prints it in `style`: emphasis doubles each dot one dot to
    /// the right (within the cell), double width and height scale it.
    public static func styled(_ cell: MonochromeBitmap, _ style: TextStyle) -> MonochromeBitmap {
        var out = cell
        if style.bold {
            out = MonochromeBitmap(width: cell.width, height: cell.height)
            out.draw(cell, x: 0, y: 0)
            out.draw(cell, x: 1, y: 0)
        }
        return out.scaled(x: style.doubleWidth ? 2 : 1, y: style.doubleHeight ? 2 : 1)
    }

    static func bitmap(of glyph: UnifontFace.Glyph) -> MonochromeBitmap {
        var b = MonochromeBitmap(width: glyph.width, height: UnifontFace.height)
        for y in 0..<UnifontFace.height {
            for x in 0..<glyph.width where glyph.isSet(x: x, y: y) { b[x, y] = true }
        }
        return b
    }
}
