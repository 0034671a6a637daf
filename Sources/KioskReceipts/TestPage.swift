import ESCPOS
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The technician's test page: every text style, a CODE128 barcode, a QR code, and the
/// Vietnamese alphabet in every code page the profile has, then as the encoder chooses and
/// as raster. Printed by `kioskctl test-print`, the control socket's `test-print` and
/// `KIOSK:TEST-PAGE`.
public enum TestPage {
    static let lower = "aàáảãạ ăằắẳẵặ âầấẩẫậ đ eèéẻẽẹ êềếểễệ iìíỉĩị oòóỏõọ ôồốổỗộ ơờớởỡợ uùúủũụ ưừứửữự yỳýỷỹỵ"
    static var upper: String { lower.uppercased() }

    /// The test page's bytes for `profile`.
    public static func bytes(for profile: PrinterProfile) -> [UInt8] {
        var e = ESCPOSEncoder(profile: profile)
        e.initialize()
        e.text("KIOSK TEST PAGE — \(profile.model)", style: TextStyle(bold: true, alignment: .center))
        e.text("Paper \(profile.paperWidthDots) dots, \(profile.columnsFontA)/\(profile.columnsFontB) columns")
        e.text(String(repeating: "0123456789", count: 8).prefix(profile.columnsFontA).description)
        let styles: [(String, TextStyle)] = [
            ("Plain", .plain), ("Bold", TextStyle(bold: true)), ("Underline", TextStyle(underline: true)),
            ("Double width", TextStyle(doubleWidth: true)), ("Double height", TextStyle(doubleHeight: true)),
            ("Double both", TextStyle(doubleWidth: true, doubleHeight: true)), ("Font B", TextStyle(font: .b)),
            ("Centre", TextStyle(alignment: .center)), ("Right", TextStyle(alignment: .right)),
        ]
        for (label, style) in styles { e.text(label, style: style) }
        e.text("CODE128:")
        e.code128("YBVY01-261121-0007-K")
        e.text("QR (\(profile.nativeQR ? "native GS ( k" : "raster")):", style: .plain)
        e.qrCode("YBVY01-261121-0007-K")
        var bytes = e.bytes
        // Each code page by hand: ESC t n, then the letters encoded in that page alone.
        for (page, number) in profile.codePages.sorted(by: { $0.value < $1.value }) {
            var header = ESCPOSEncoder(profile: profile)
            header.initialize()
            header.text("Code page \(page) (ESC t \(number)):", style: TextStyle(bold: true))
            bytes += header.bytes + [0x1B, 0x74, number]
            for line in [lower, upper] {
                let encoded = encode(line, page: page)
                guard encoded.contains(where: { $0 != UInt8(ascii: "?") && $0 != 0x20 }) else { continue }
                bytes += encoded + [0x0A]
            }
        }
        var chosen = ESCPOSEncoder(profile: profile)
        chosen.initialize()
        chosen.text("As the encoder chooses:", style: TextStyle(bold: true))
        chosen.text(lower)
        chosen.text(upper)
        var raster = ESCPOSEncoder(profile: profile, textRendering: .rasterOnly)
        raster.text("As raster:", style: TextStyle(bold: true))
        raster.text(lower)
        raster.text(upper)
        raster.cut(.partial, feed: 3)
        return bytes + chosen.bytes + raster.bytes
    }

    /// Encodes `text` in one code page, character by character; CP1258 with a combining tone
    /// mark after the letter; `?` where the page has no way to show a letter.
    static func encode(_ text: String, page: CodePage) -> [UInt8] {
        // CP1258's combining tone marks (its table in ESCPOS leaves them to the line planner).
        let toneBytes: [UInt32: UInt8] = [0x300: 0xCC, 0x301: 0xEC, 0x303: 0xDE, 0x309: 0xD2, 0x323: 0xF2]
        let tones = Set(toneBytes.keys)
        var out: [UInt8] = []
        for character in text {
            if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
                let byte = page.encode(scalar)
            {
                out.append(byte)
                continue
            }
            let parts = String(character).canonicallyDecomposed.unicodeScalars
            let base = String(String.UnicodeScalarView(parts.filter { !tones.contains($0.value) }))
                .canonicallyComposed.unicodeScalars
            let marks = parts.filter { tones.contains($0.value) }
            let encoded =
                Array(base).map { page.encode($0) } + marks.map { page == .cp1258 ? toneBytes[$0.value] : nil }
            if encoded.allSatisfy({ $0 != nil }) && base.count == 1 {
                out += encoded.compactMap { $0 }
            } else {
                out.append(UInt8(ascii: "?"))
            }
        }
        return out
    }
}
