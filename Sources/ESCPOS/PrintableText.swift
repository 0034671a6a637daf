import Foundation

/// Text from outside (names, addresses, scans, catalog entries) made safe to print.
public enum PrintableText {
    /// Removes every character that could act as a printer command or hide text: C0 controls
    /// (ESC, GS, DLE, FS, LF…), DEL, C1 controls, Unicode format characters (bidi controls,
    /// zero-width joiners, BOM, soft hyphen) and line/paragraph separators; tabs become spaces.
    /// The result is in NFC, so Vietnamese letters are single precomposed characters wherever
    /// Unicode has them.
    public static func sanitize(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s == "\t" {
                scalars.append(" ")
                continue
            }
            switch s.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: continue
            default: scalars.append(s)
            }
        }
        return String(scalars).precomposedStringWithCanonicalMapping
    }
}
