#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Text from outside (names, addresses, scans, catalog entries) made safe to print.
public enum PrintableText {
    /// Removes every character that could act as a printer command or hide text: C0 controls
    /// (ESC, GS, DLE, FS, LF…), DEL, C1 controls, Unicode format characters (bidi controls,
    /// zero-width joiners, BOM, soft hyphen) and line/paragraph separators; tabs become spaces.
    /// The result is in NFC, so Vietnamese letters are single precomposed characters wherever
    /// Unicode has them.
    ///
    /// Text that needs neither (printable ASCII; Vietnamese already precomposed) is returned
    /// as it is, without a copy: only text that may not be in NFC is normalised.
    public static func sanitize(_ text: String) -> String {
        sanitize(text, fastPath: true)
    }

    /// `sanitize`, with the checks that skip the copy and the normalisation turned off when
    /// `fastPath` is false (tests compare the two).
    static func sanitize(_ text: String, fastPath: Bool) -> String {
        if fastPath && isPrintableAsIs(text) { return text }
        var scalars = String.UnicodeScalarView()
        var quicklyNFC = true
        for s in text.unicodeScalars {
            if s == "\t" {
                scalars.append(" ")
            } else if isKept(s) {
                scalars.append(s)
                if quicklyNFC && !isNFCStarter(s.value) { quicklyNFC = false }
            }
        }
        guard fastPath && quicklyNFC else { return String(scalars).canonicallyComposed }
        return String(scalars)
    }

    /// Whether `scalar` stays (a tab does not: it becomes a space). Printable ASCII, Latin-1
    /// and Latin Extended letters but the soft hyphen, and the Vietnamese block are known to
    /// stay without asking for the scalar's general category.
    private static func isKept(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (v >= 0x20 && v < 0x7F) || (v >= 0xA0 && v < 0x250 && v != 0xAD) || (v >= 0x1E00 && v <= 0x1EFF) {
            return true
        }
        switch s.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: return false
        default: return true
        }
    }

    /// Whether `sanitize` returns `text` unchanged by the quick checks: printable ASCII, or
    /// nothing to remove and already NFC (the usual Vietnamese text). Such text has no control
    /// character, so no line feed.
    static func isPrintableAsIs(_ text: String) -> Bool {
        isPrintableASCII(text) || text.unicodeScalars.allSatisfy { isKept($0) && isNFCStarter($0.value) }
    }

    private static func isPrintableASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Whether a string made only of such scalars is in NFC whatever their order: each is
    /// NFC_Quick_Check=Yes with canonical combining class 0, and no two of them compose.
    /// True for Latin below U+0300 (the first combining mark), Latin Extended Additional
    /// (the precomposed Vietnamese letters, none excluded from composition) and the
    /// punctuation and currency signs receipts use (U+2010–U+2027, U+2030–U+205E,
    /// U+20A0–U+20C0, where no character decomposes).
    static func isNFCStarter(_ scalar: UInt32) -> Bool {
        scalar < 0x300 || (0x1E00...0x1EFF).contains(scalar) || (0x2010...0x2027).contains(scalar)
            || (0x2030...0x205E).contains(scalar) || (0x20A0...0x20C0).contains(scalar)
    }
}
