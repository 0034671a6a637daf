/// A receipt as a list of printable parts, independent of any printer.
///
/// Build it in the domain or service layer, then turn it into bytes for a printer profile with
/// `ESCPOSEncoder.encode(_:profile:)`. Text may come from outside: the encoder strips control
/// characters from all of it.
public struct ReceiptDocument: Sendable, Equatable {
    /// One part of a receipt.
    public enum Element: Sendable, Equatable {
        /// Text, one or more lines (split at `\n`).
        case text(String, TextStyle)
        /// A CODE128 barcode with its text printed below.
        case barcode(String)
        /// A QR code (natively or as raster, per profile) at level M.
        case qr(String)
        /// Blank lines.
        case feed(Int)
        /// Paper cut (or a tear-off feed on printers without a cutter).
        case cut
        /// Beep, where the printer has a buzzer.
        case beep
    }

    /// The parts, top to bottom.
    public var elements: [Element]

    /// Creates a document.
    public init(_ elements: [Element] = []) {
        self.elements = elements
    }

    /// Appends a line of text.
    public mutating func text(_ s: String, _ style: TextStyle = .plain) { elements.append(.text(s, style)) }
}
