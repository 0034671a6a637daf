import ESCPOS

/// The header that marks a receipt printed late.
///
/// Decision: a print job's payload is the ESC/POS bytes of the receipt document as the
/// flows encoded it, starting with `ESC @`. Whether a job is late is only known when it
/// prints, so the banner is not part of the payload: the queue encodes this banner for the
/// printer's profile and puts it in front of the payload. Its own `ESC @` and the payload's
/// reset the printer, so the banner's style never leaks into the receipt.
public enum ReprintBanner {
    /// "BẢN IN LẠI": reprint.
    public static let title = "BẢN IN LẠI"

    /// The banner's document: the title large and centred.
    public static let document = ReceiptDocument([
        .text(title, TextStyle(bold: true, doubleWidth: true, doubleHeight: true, alignment: .center))
    ])

    /// The banner's bytes for `profile` (code page text where it has one, raster otherwise).
    public static func bytes(for profile: PrinterProfile) -> [UInt8] {
        ESCPOSEncoder.encode(document, profile: profile)
    }
}
