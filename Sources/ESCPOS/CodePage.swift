/// A character code page the encoder can select with `ESC t n` (numbers come from the profile).
public enum CodePage: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// IBM PC 437: ASCII plus a few Western letters; every printer's page 0.
    case cp437
    /// TCVN-3 lower-case letters (Epson page 30).
    case tcvn3Lower
    /// TCVN-3 capitals (Epson page 31).
    case tcvn3Upper
    /// Windows-1258: few precomposed Vietnamese letters, the rest with combining tone marks.
    case cp1258

    /// Name used in transcripts.
    public var description: String {
        switch self {
        case .cp437: "CP437"
        case .tcvn3Lower: "TCVN-3 lower"
        case .tcvn3Upper: "TCVN-3 upper"
        case .cp1258: "CP1258"
        }
    }

    /// The character a printable byte (0x20 and above) stands for on this page, if any.
    public func decode(_ byte: UInt8) -> Unicode.Scalar? {
        if byte < 0x20 || byte == 0x7F { return nil }
        if byte < 0x7F { return Unicode.Scalar(byte) }
        return CodePageTables.shared.decoders[self]?[byte]
    }

    /// The byte for one character on this page, if the page has it (printable bytes only).
    ///
    /// TCVN-3 capitals (page 31) never carry ASCII lower-case letters: which glyphs that page
    /// shows there differs between readings of the standard, so the encoder avoids them.
    public func encode(_ scalar: Unicode.Scalar) -> UInt8? {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F {
            if self == .tcvn3Upper && v >= 0x61 && v <= 0x7A { return nil }
            return UInt8(v)
        }
        return CodePageTables.shared.encoders[self]?[v]
    }
}

/// Lookup tables built once from the raw tables.
struct CodePageTables: Sendable {
    static let shared = CodePageTables()

    let decoders: [CodePage: [UInt8: Unicode.Scalar]]
    let encoders: [CodePage: [UInt32: UInt8]]

    private init() {
        func upperHalf(_ table: [UInt16]) -> [(UInt8, UInt32)] {
            table.enumerated().compactMap { i, v in v == 0 ? nil : (UInt8(0x80 + i), UInt32(v)) }
        }
        func uppercased(_ v: UInt32) -> UInt32 {
            let s = String(Unicode.Scalar(v)!).uppercased().unicodeScalars
            return s.count == 1 ? s.first!.value : v
        }
        let cp437 = upperHalf(LegacyCodePageTables.cp437)
        let cp1258 = upperHalf(LegacyCodePageTables.cp1258)
        let toneMarks: Set<UInt32> = [0x300, 0x301, 0x303, 0x309, 0x323]
        let lower = TCVN3Table.lowerCase
        let upper = TCVN3Table.lowerCase.compactMap { b, v -> (UInt8, UInt32)? in
            // Base capitals have their own agreed bytes (TCVN3Table.baseCapitals).
            TCVN3Table.baseCapitals.contains { $0.1 == uppercased(v) } ? nil : (b, uppercased(v))
        }

        func decoder(_ pairs: [(UInt8, UInt32)]...) -> [UInt8: Unicode.Scalar] {
            var d: [UInt8: Unicode.Scalar] = [:]
            for list in pairs { for (b, v) in list where d[b] == nil { d[b] = Unicode.Scalar(v)! } }
            return d
        }
        func encoder(_ pairs: [(UInt8, UInt32)]) -> [UInt32: UInt8] {
            var e: [UInt32: UInt8] = [:]
            for (b, v) in pairs where e[v] == nil { e[v] = b }
            return e
        }
        // On decode, page 31 also shows the base capitals at the lower-case positions.
        let upperAtLowerPositions = TCVN3Table.lowerCase.map { b, v in (b, uppercased(v)) }
        decoders = [
            .cp437: decoder(cp437),
            .cp1258: decoder(cp1258),
            .tcvn3Lower: decoder(lower, TCVN3Table.standardCapitals, TCVN3Table.combiningMarks),
            .tcvn3Upper: decoder(TCVN3Table.baseCapitals, upperAtLowerPositions, TCVN3Table.standardCapitals),
        ]
        encoders = [
            .cp437: encoder(cp437),
            .cp1258: encoder(cp1258.filter { !toneMarks.contains($0.1) }),
            .tcvn3Lower: encoder(lower),
            .tcvn3Upper: encoder(TCVN3Table.baseCapitals + upper),
        ]
    }
}
