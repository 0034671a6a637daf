/// QR error correction level (ISO/IEC 18004): the share of codewords that can be restored.
public enum QRErrorCorrection: Int, Sendable, CaseIterable, Hashable {
    /// About 7 %.
    case low = 0
    /// About 15 %, the receipt default.
    case medium = 1
    /// About 25 %.
    case quartile = 2
    /// About 30 %.
    case high = 3

    /// The two bits that go in the format information.
    var formatBits: Int {
        switch self {
        case .low: 1
        case .medium: 0
        case .quartile: 3
        case .high: 2
        }
    }

    /// `n` of `GS ( k … 69 n` (48 = L … 51 = H).
    public var escposByte: UInt8 { UInt8(48 + rawValue) }

    /// The level for a `GS ( k … 69 n` byte; unknown bytes read as M, as printers do by default.
    public init(escposByte: UInt8) {
        self = QRErrorCorrection(rawValue: Int(escposByte) - 48) ?? .medium
    }
}
