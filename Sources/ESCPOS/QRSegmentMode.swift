/// How a QR segment packs its characters.
enum QRSegmentMode {
    case numeric, alphanumeric, byte

    static let alphanumericCharset = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8)

    /// The densest mode that can carry all of `data`.
    init(for data: [UInt8]) {
        if data.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            self = .numeric
        } else if data.allSatisfy({ Self.alphanumericCharset.contains($0) }) {
            self = .alphanumeric
        } else {
            self = .byte
        }
    }

    var indicator: Int {
        switch self {
        case .numeric: 1
        case .alphanumeric: 2
        case .byte: 4
        }
    }

    func countBits(version: Int) -> Int {
        let tier = version <= 9 ? 0 : (version <= 26 ? 1 : 2)
        switch self {
        case .numeric: return [10, 12, 14][tier]
        case .alphanumeric: return [9, 11, 13][tier]
        case .byte: return [8, 16, 16][tier]
        }
    }

    func dataBits(count n: Int) -> Int {
        switch self {
        case .numeric: n / 3 * 10 + [0, 4, 7][n % 3]
        case .alphanumeric: n / 2 * 11 + (n % 2) * 6
        case .byte: n * 8
        }
    }

    func appendData(_ data: [UInt8], to bits: inout QRBitBuffer) {
        switch self {
        case .byte:
            for b in data { bits.append(Int(b), count: 8) }
        case .numeric:
            var i = 0
            while i < data.count {
                let n = min(3, data.count - i)
                var v = 0
                for b in data[i..<(i + n)] { v = v * 10 + Int(b - 0x30) }
                bits.append(v, count: [0, 4, 7, 10][n])
                i += n
            }
        case .alphanumeric:
            let index = { (b: UInt8) in Self.alphanumericCharset.firstIndex(of: b) ?? 0 }
            var i = 0
            while i + 1 < data.count {
                bits.append(index(data[i]) * 45 + index(data[i + 1]), count: 11)
                i += 2
            }
            if i < data.count { bits.append(index(data[i]), count: 6) }
        }
    }
}
