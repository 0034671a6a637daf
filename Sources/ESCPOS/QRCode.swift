/// A QR code symbol (ISO/IEC 18004, model 2), encoded by this module for printers without
/// native QR and for drawing native `GS ( k` codes in rendered receipts.
///
/// One segment in the densest mode the data allows (numeric, alphanumeric or byte), versions
/// 1–40, levels L/M/Q/H, the mask with the lowest penalty unless one is forced.
public struct QRCode: Sendable, Equatable {
    /// Symbol version, 1...40.
    public let version: Int
    /// Error correction level.
    public let errorCorrection: QRErrorCorrection
    /// Mask pattern used, 0...7.
    public let mask: Int
    /// Modules per side (`4 * version + 17`).
    public let size: Int
    /// Row-major modules, true for dark.
    public let modules: [Bool]

    /// Whether the module at column `x`, row `y` is dark.
    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// Encodes text as UTF-8.
    public static func encode(_ text: String, errorCorrection: QRErrorCorrection) throws(QREncodingError) -> QRCode {
        try encode(Array(text.utf8), errorCorrection: errorCorrection)
    }

    /// Encodes bytes in the smallest version that holds them at the level.
    public static func encode(
        _ data: [UInt8], errorCorrection: QRErrorCorrection, minVersion: Int = 1, mask: Int? = nil
    ) throws(QREncodingError) -> QRCode {
        let mode = QRSegmentMode(for: data)
        for version in max(1, minVersion)...40 {
            let capacityBits = QRTables.dataCodewords(version: version, level: errorCorrection) * 8
            let needed = 4 + mode.countBits(version: version) + mode.dataBits(count: data.count)
            if needed <= capacityBits && data.count < 1 << mode.countBits(version: version) {
                let codewords = Self.dataCodewords(
                    data, mode: mode, version: version, capacityBytes: capacityBits / 8)
                let all = Self.withErrorCorrection(codewords, version: version, level: errorCorrection)
                var builder = QRMatrixBuilder(version: version)
                builder.drawFunctionPatterns()
                builder.placeCodewords(all)
                let chosen = mask ?? builder.bestMask(level: errorCorrection)
                builder.applyMask(chosen)
                builder.drawFormatBits(level: errorCorrection, mask: chosen)
                return QRCode(
                    version: version, errorCorrection: errorCorrection, mask: chosen, size: builder.size,
                    modules: builder.modules)
            }
        }
        throw QREncodingError(byteCount: data.count, errorCorrection: errorCorrection)
    }

    /// The symbol as a bitmap: `moduleSize` dots per module and a quiet zone of `quietZone`
    /// modules around it.
    public func bitmap(moduleSize: Int, quietZone: Int = 4) -> MonochromeBitmap {
        let m = max(1, moduleSize)
        let side = (size + 2 * quietZone) * m
        var out = MonochromeBitmap(width: side, height: side)
        for y in 0..<size {
            for x in 0..<size where self[x, y] {
                out.fill(x: (x + quietZone) * m, y: (y + quietZone) * m, width: m, height: m)
            }
        }
        return out
    }

    static func dataCodewords(_ data: [UInt8], mode: QRSegmentMode, version: Int, capacityBytes: Int) -> [UInt8] {
        var bits = QRBitBuffer()
        bits.append(mode.indicator, count: 4)
        bits.append(data.count, count: mode.countBits(version: version))
        mode.appendData(data, to: &bits)
        let capacity = capacityBytes * 8
        bits.append(0, count: min(4, capacity - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var bytes = bits.bytes
        var pad: UInt8 = 0xEC
        while bytes.count < capacityBytes {
            bytes.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return bytes
    }

    /// Splits data into blocks, adds Reed–Solomon codewords and interleaves them.
    static func withErrorCorrection(_ data: [UInt8], version: Int, level: QRErrorCorrection) -> [UInt8] {
        let blocks = QRTables.errorCorrectionBlocks[level.rawValue][version]
        let eccLength = QRTables.eccCodewordsPerBlock[level.rawValue][version]
        let raw = QRTables.rawDataModules(version: version) / 8
        let shortBlocks = blocks - raw % blocks
        let shortLength = raw / blocks
        let divisor = QRReedSolomon.divisor(degree: eccLength)
        var all: [[UInt8]] = []
        var k = 0
        for i in 0..<blocks {
            let length = shortLength - eccLength + (i < shortBlocks ? 0 : 1)
            var block = Array(data[k..<(k + length)])
            k += length
            let ecc = QRReedSolomon.remainder(block, divisor: divisor)
            if i < shortBlocks { block.append(0) }
            all.append(block + ecc)
        }
        var result: [UInt8] = []
        for i in 0..<all[0].count {
            for (j, block) in all.enumerated() where i != shortLength - eccLength || j >= shortBlocks {
                result.append(block[i])
            }
        }
        return result
    }
}

/// Data too long for a QR code at the requested level.
public struct QREncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Length of the data.
    public var byteCount: Int
    /// The level asked for.
    public var errorCorrection: QRErrorCorrection
    /// Says what to change.
    public var description: String {
        "QR code: \(byteCount) bytes do not fit in version 40 at level \(errorCorrection); shorten the data"
    }
}

/// Bits appended most significant first.
struct QRBitBuffer {
    private(set) var bytes: [UInt8] = []
    private(set) var count = 0

    mutating func append(_ value: Int, count n: Int) {
        guard n > 0 else { return }
        for i in stride(from: n - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> i) & 1 == 1 { bytes[count / 8] |= 0x80 >> UInt8(count % 8) }
            count += 1
        }
    }
}
