/// Writes 8-bit grayscale PNG files without zlib: the image data goes in stored (uncompressed)
/// deflate blocks, with this file's CRC-32 and Adler-32 (checksums, not cryptography).
public enum PNGWriter {
    /// PNG bytes for a grayscale image; `pixels` is row-major, `width * height` bytes (0 black, 255 white).
    public static func grayscale(width: Int, height: Int, pixels: [UInt8]) -> [UInt8] {
        precondition(pixels.count == width * height, "pixel buffer does not match the image size")
        var raw: [UInt8] = []
        raw.reserveCapacity((width + 1) * height)
        for y in 0..<height {
            raw.append(0)  // filter: none
            raw += pixels[(y * width)..<((y + 1) * width)]
        }
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65_535, raw.count - offset)
            let final: UInt8 = offset + n == raw.count ? 1 : 0
            zlib += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + n)]
            offset += n
        } while offset < raw.count
        zlib += bigEndian(adler32(raw))

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 0, 0, 0, 0])
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return png
    }

    /// PNG bytes for a 1-bit bitmap, each dot `scale`×`scale` pixels.
    public static func png(_ bitmap: MonochromeBitmap, scale: Int = 1) -> [UInt8] {
        let s = max(1, scale)
        let w = max(1, bitmap.width * s)
        let h = max(1, bitmap.height * s)
        var pixels = [UInt8](repeating: 255, count: w * h)
        for y in 0..<bitmap.height {
            for x in 0..<bitmap.width where bitmap[x, y] {
                for dy in 0..<s { for dx in 0..<s { pixels[(y * s + dy) * w + x * s + dx] = 0 } }
            }
        }
        return grayscale(width: w, height: h, pixels: pixels)
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 (ISO 3309, as PNG uses it).
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    /// Adler-32 (RFC 1950).
    static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        var k = 0
        while k < data.count {
            // 5552 bytes is the most that cannot overflow before the modulo.
            let end = min(data.count, k + 5552)
            for byte in data[k..<end] {
                a += UInt32(byte)
                b += a
            }
            a %= 65521
            b %= 65521
            k = end
        }
        return b << 16 | a
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
