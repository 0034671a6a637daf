/// The dot matrix of one user-defined character (`ESC &`) in one printer font, and where a
/// Unifont glyph sits inside it.
///
/// Epson's font A takes 12×24 dots, font B 9×17; clones vary, so the size comes from the
/// profile. A glyph of the raster path's font (8 or 16 dots wide, 16 high) sits at the cell's
/// left edge, as resident characters do (their spacing is on the right), and four dots below
/// its top where the cell is tall enough, so a downloaded letter prints exactly the dots a
/// raster line would. Left-aligned, the trailing blank columns are not sent: 6 bytes less a
/// letter in a 12×24 cell than centred.
public struct UserDefinedCell: Sendable, Hashable, CustomStringConvertible {
    /// Dots across (`x` of `ESC &` is at most this).
    public var width: Int
    /// Dots down; `ESC &` sends `ceil(height / 8)` bytes per column.
    public var height: Int

    /// Creates a cell size.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Parses `12x24` (width × height in dots); nil for anything else.
    public init?(_ text: String) {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), (1...32).contains(w),
            (8...32).contains(h)
        else { return nil }
        self.init(width: w, height: h)
    }

    /// `12x24`.
    public var description: String { "\(width)x\(height)" }

    /// Bytes per column in `ESC &` (the `y` parameter).
    public var bytesPerColumn: Int { (height + 7) / 8 }

    /// Top-left dot of a glyph `glyphWidth` dots wide, or nil when the glyph does not fit.
    public func glyphOrigin(glyphWidth: Int) -> (x: Int, y: Int)? {
        guard glyphWidth <= width, UnifontFace.height <= height else { return nil }
        return (0, min(4, height - UnifontFace.height))
    }

    /// The cell's dots for a glyph bitmap, or nil when it does not fit.
    public func fit(_ glyph: MonochromeBitmap) -> MonochromeBitmap? {
        guard let origin = glyphOrigin(glyphWidth: glyph.width) else { return nil }
        var cell = MonochromeBitmap(width: width, height: height)
        cell.draw(glyph, x: origin.x, y: origin.y)
        return cell
    }

    /// The `x d1…d(y·x)` part of `ESC &` for one character: the columns up to the last one with
    /// a dot (the printer leaves the rest of the cell blank), each top to bottom, most
    /// significant bit on top. At least one column, so every printer takes it.
    public func definition(of cell: MonochromeBitmap) -> [UInt8] {
        var columns = 1
        for x in 0..<min(width, cell.width) where (0..<height).contains(where: { cell[x, $0] }) { columns = x + 1 }
        var out: [UInt8] = [UInt8(columns)]
        out.reserveCapacity(1 + columns * bytesPerColumn)
        for x in 0..<columns {
            for k in 0..<bytesPerColumn {
                var b: UInt8 = 0
                for bit in 0..<8 where cell[x, k * 8 + bit] { b |= 0x80 >> UInt8(bit) }
                out.append(b)
            }
        }
        return out
    }

    /// The cell drawn from `columns` columns of `bytesPerColumn` bytes each (as `ESC &` sends
    /// them); dots below `height` are dropped, as the printer drops them.
    public func cell(columns: Int, data: ArraySlice<UInt8>, bytesPerColumn y: Int) -> MonochromeBitmap {
        var cell = MonochromeBitmap(width: width, height: height)
        var i = data.startIndex
        for x in 0..<columns {
            for k in 0..<y {
                guard i < data.endIndex else { return cell }
                let b = data[i]
                i += 1
                for bit in 0..<8 where b & (0x80 >> UInt8(bit)) != 0 { cell[x, k * 8 + bit] = true }
            }
        }
        return cell
    }
}
