/// A 1-bit image, rows of bytes with the leftmost dot in the most significant bit: exactly the
/// data layout of `GS v 0`.
public struct MonochromeBitmap: Sendable, Equatable {
    /// Width in dots.
    public private(set) var width: Int
    /// Height in dots.
    public private(set) var height: Int
    /// Packed rows, `bytesPerRow * height` bytes.
    public private(set) var bytes: [UInt8]

    /// Bytes in one row.
    public var bytesPerRow: Int { (width + 7) / 8 }

    /// A white bitmap.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.bytes = [UInt8](repeating: 0, count: ((self.width + 7) / 8) * self.height)
    }

    /// A bitmap over packed rows; missing bytes are white.
    public init(width: Int, height: Int, packedRows: [UInt8]) {
        self.init(width: width, height: height)
        let n = min(bytes.count, packedRows.count)
        bytes.replaceSubrange(0..<n, with: packedRows[0..<n])
    }

    /// Whether the dot at (x, y) is black; outside the bitmap is white.
    public subscript(x: Int, y: Int) -> Bool {
        get {
            guard x >= 0, y >= 0, x < width, y < height else { return false }
            return bytes[y * bytesPerRow + x >> 3] & (0x80 >> UInt8(x & 7)) != 0
        }
        set {
            guard x >= 0, y >= 0, x < width, y < height else { return }
            let i = y * bytesPerRow + x >> 3
            if newValue { bytes[i] |= 0x80 >> UInt8(x & 7) } else { bytes[i] &= ~(0x80 >> UInt8(x & 7)) }
        }
    }

    /// Draws a filled rectangle in black.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int) {
        for yy in max(0, y)..<min(height, y + h) {
            for xx in max(0, x)..<min(width, x + w) { self[xx, yy] = true }
        }
    }

    /// Copies `other`'s black dots onto this bitmap at (x, y).
    public mutating func draw(_ other: MonochromeBitmap, x: Int, y: Int) {
        for yy in 0..<other.height where y + yy >= 0 && y + yy < height {
            for xx in 0..<other.width where other[xx, yy] { self[x + xx, y + yy] = true }
        }
    }

    /// A copy `sx` times wider and `sy` times higher.
    public func scaled(x sx: Int, y sy: Int) -> MonochromeBitmap {
        if sx == 1 && sy == 1 { return self }
        var out = MonochromeBitmap(width: width * sx, height: height * sy)
        for y in 0..<out.height {
            for x in 0..<out.width where self[x / sx, y / sy] { out[x, y] = true }
        }
        return out
    }

    /// The same dots in a bitmap `newWidth` wide (cut or padded on the right).
    public func cropped(toWidth newWidth: Int) -> MonochromeBitmap {
        var out = MonochromeBitmap(width: newWidth, height: height)
        out.draw(self, x: 0, y: 0)
        return out
    }
}
