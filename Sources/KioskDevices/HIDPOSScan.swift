/// One scan from a HID-POS scanner: the bar code's bytes as the scanner decoded them, and
/// which kind of bar code it was.
///
/// Its description never shows the text (it may be an ID card's personal data).
public struct HIDPOSScan: Sendable, Equatable, CustomStringConvertible {
    /// The decoded bytes, every report of the scan joined.
    public var bytes: [UInt8]
    /// The AIM symbology identifier as sent, e.g. `]Q1` (QR Code), `]C0` (Code 128); empty when
    /// the scanner sends none.
    public var symbology: String

    /// Creates a scan.
    public init(bytes: [UInt8], symbology: String) {
        self.bytes = bytes
        self.symbology = symbology
    }

    /// The text: the bytes as UTF-8 (an ID card QR carries Vietnamese that way), without one
    /// final CR / LF / CR LF suffix a scanner may be set to add.
    public var text: String {
        var end = bytes.count
        if end > 0 && bytes[end - 1] == 0x0A { end -= 1 }
        if end > 0 && bytes[end - 1] == 0x0D { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// Whether the bytes are valid UTF-8 (otherwise `text` holds U+FFFD where they were not).
    public var isValidUTF8: Bool { String(validating: bytes, as: UTF8.self) != nil }

    /// `QR Code (]Q1) of 97 bytes`.
    public var description: String {
        let kind =
            AIMSymbology.name(of: symbology).map { "\($0) (\(symbology))" } ?? (symbology.isEmpty ? "scan" : symbology)
        return "\(kind) of \(bytes.count) bytes"
    }
}

/// Names of the AIM symbology identifiers a post office meets.
public enum AIMSymbology {
    /// `QR Code` for `]Q1`…; nil for ones not listed.
    public static func name(of identifier: String) -> String? {
        let scalars = Array(identifier.unicodeScalars)
        guard scalars.count >= 2, scalars[0] == "]" else { return nil }
        switch scalars[1] {
        case "Q": return "QR Code"
        case "C": return "Code 128"
        case "A": return "Code 39"
        case "E": return "EAN/UPC"
        case "I": return "Interleaved 2 of 5"
        case "d": return "Data Matrix"
        case "L": return "PDF417"
        case "z": return "Aztec"
        default: return nil
        }
    }
}
