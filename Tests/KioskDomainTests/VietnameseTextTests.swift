import Testing

@testable import KioskDomain

/// Scalars of a string: String's `==` compares canonical equivalents as equal, so NFC tests
/// must compare scalars.
func scalars(_ s: String) -> [UInt32] { s.unicodeScalars.map(\.value) }

@Suite struct VietnameseTextTests {
    /// The 132 precomposed Vietnamese vowels with a modifier or a tone, plus Đ đ (134 letters),
    /// in NFC and in NFD, generated from the Unicode database (Python unicodedata 14.0), written
    /// as escapes so no editor can normalise them.
    static let nfc =
        "\u{E0}\u{20}\u{E1}\u{20}\u{E3}\u{20}\u{1EA3}\u{20}\u{1EA1}\u{20}\u{103}\u{20}\u{1EB1}\u{20}\u{1EAF}\u{20}\u{1EB5}\u{20}\u{1EB3}\u{20}\u{1EB7}\u{20}\u{E2}\u{20}\u{1EA7}\u{20}\u{1EA5}\u{20}\u{1EAB}\u{20}\u{1EA9}\u{20}\u{1EAD}\u{20}\u{E8}\u{20}\u{E9}\u{20}\u{1EBD}\u{20}\u{1EBB}\u{20}\u{1EB9}\u{20}\u{EA}\u{20}\u{1EC1}\u{20}\u{1EBF}\u{20}\u{1EC5}\u{20}\u{1EC3}\u{20}\u{1EC7}\u{20}\u{EC}\u{20}\u{ED}\u{20}\u{129}\u{20}\u{1EC9}\u{20}\u{1ECB}\u{20}\u{F2}\u{20}\u{F3}\u{20}\u{F5}\u{20}\u{1ECF}\u{20}\u{1ECD}\u{20}\u{F4}\u{20}\u{1ED3}\u{20}\u{1ED1}\u{20}\u{1ED7}\u{20}\u{1ED5}\u{20}\u{1ED9}\u{20}\u{1A1}\u{20}\u{1EDD}\u{20}\u{1EDB}\u{20}\u{1EE1}\u{20}\u{1EDF}\u{20}\u{1EE3}\u{20}\u{F9}\u{20}\u{FA}\u{20}\u{169}\u{20}\u{1EE7}\u{20}\u{1EE5}\u{20}\u{1B0}\u{20}\u{1EEB}\u{20}\u{1EE9}\u{20}\u{1EEF}\u{20}\u{1EED}\u{20}\u{1EF1}\u{20}\u{1EF3}\u{20}\u{FD}\u{20}\u{1EF9}\u{20}\u{1EF7}\u{20}\u{1EF5}\u{20}\u{C0}\u{20}\u{C1}\u{20}\u{C3}\u{20}\u{1EA2}\u{20}\u{1EA0}\u{20}\u{102}\u{20}\u{1EB0}\u{20}\u{1EAE}\u{20}\u{1EB4}\u{20}\u{1EB2}\u{20}\u{1EB6}\u{20}\u{C2}\u{20}\u{1EA6}\u{20}\u{1EA4}\u{20}\u{1EAA}\u{20}\u{1EA8}\u{20}\u{1EAC}\u{20}\u{C8}\u{20}\u{C9}\u{20}\u{1EBC}\u{20}\u{1EBA}\u{20}\u{1EB8}\u{20}\u{CA}\u{20}\u{1EC0}\u{20}\u{1EBE}\u{20}\u{1EC4}\u{20}\u{1EC2}\u{20}\u{1EC6}\u{20}\u{CC}\u{20}\u{CD}\u{20}\u{128}\u{20}\u{1EC8}\u{20}\u{1ECA}\u{20}\u{D2}\u{20}\u{D3}\u{20}\u{D5}\u{20}\u{1ECE}\u{20}\u{1ECC}\u{20}\u{D4}\u{20}\u{1ED2}\u{20}\u{1ED0}\u{20}\u{1ED6}\u{20}\u{1ED4}\u{20}\u{1ED8}\u{20}\u{1A0}\u{20}\u{1EDC}\u{20}\u{1EDA}\u{20}\u{1EE0}\u{20}\u{1EDE}\u{20}\u{1EE2}\u{20}\u{D9}\u{20}\u{DA}\u{20}\u{168}\u{20}\u{1EE6}\u{20}\u{1EE4}\u{20}\u{1AF}\u{20}\u{1EEA}\u{20}\u{1EE8}\u{20}\u{1EEE}\u{20}\u{1EEC}\u{20}\u{1EF0}\u{20}\u{1EF2}\u{20}\u{DD}\u{20}\u{1EF8}\u{20}\u{1EF6}\u{20}\u{1EF4}\u{20}\u{110}\u{20}\u{111}"
    static let nfd =
        "\u{61}\u{300}\u{20}\u{61}\u{301}\u{20}\u{61}\u{303}\u{20}\u{61}\u{309}\u{20}\u{61}\u{323}\u{20}\u{61}\u{306}\u{20}\u{61}\u{306}\u{300}\u{20}\u{61}\u{306}\u{301}\u{20}\u{61}\u{306}\u{303}\u{20}\u{61}\u{306}\u{309}\u{20}\u{61}\u{323}\u{306}\u{20}\u{61}\u{302}\u{20}\u{61}\u{302}\u{300}\u{20}\u{61}\u{302}\u{301}\u{20}\u{61}\u{302}\u{303}\u{20}\u{61}\u{302}\u{309}\u{20}\u{61}\u{323}\u{302}\u{20}\u{65}\u{300}\u{20}\u{65}\u{301}\u{20}\u{65}\u{303}\u{20}\u{65}\u{309}\u{20}\u{65}\u{323}\u{20}\u{65}\u{302}\u{20}\u{65}\u{302}\u{300}\u{20}\u{65}\u{302}\u{301}\u{20}\u{65}\u{302}\u{303}\u{20}\u{65}\u{302}\u{309}\u{20}\u{65}\u{323}\u{302}\u{20}\u{69}\u{300}\u{20}\u{69}\u{301}\u{20}\u{69}\u{303}\u{20}\u{69}\u{309}\u{20}\u{69}\u{323}\u{20}\u{6F}\u{300}\u{20}\u{6F}\u{301}\u{20}\u{6F}\u{303}\u{20}\u{6F}\u{309}\u{20}\u{6F}\u{323}\u{20}\u{6F}\u{302}\u{20}\u{6F}\u{302}\u{300}\u{20}\u{6F}\u{302}\u{301}\u{20}\u{6F}\u{302}\u{303}\u{20}\u{6F}\u{302}\u{309}\u{20}\u{6F}\u{323}\u{302}\u{20}\u{6F}\u{31B}\u{20}\u{6F}\u{31B}\u{300}\u{20}\u{6F}\u{31B}\u{301}\u{20}\u{6F}\u{31B}\u{303}\u{20}\u{6F}\u{31B}\u{309}\u{20}\u{6F}\u{31B}\u{323}\u{20}\u{75}\u{300}\u{20}\u{75}\u{301}\u{20}\u{75}\u{303}\u{20}\u{75}\u{309}\u{20}\u{75}\u{323}\u{20}\u{75}\u{31B}\u{20}\u{75}\u{31B}\u{300}\u{20}\u{75}\u{31B}\u{301}\u{20}\u{75}\u{31B}\u{303}\u{20}\u{75}\u{31B}\u{309}\u{20}\u{75}\u{31B}\u{323}\u{20}\u{79}\u{300}\u{20}\u{79}\u{301}\u{20}\u{79}\u{303}\u{20}\u{79}\u{309}\u{20}\u{79}\u{323}\u{20}\u{41}\u{300}\u{20}\u{41}\u{301}\u{20}\u{41}\u{303}\u{20}\u{41}\u{309}\u{20}\u{41}\u{323}\u{20}\u{41}\u{306}\u{20}\u{41}\u{306}\u{300}\u{20}\u{41}\u{306}\u{301}\u{20}\u{41}\u{306}\u{303}\u{20}\u{41}\u{306}\u{309}\u{20}\u{41}\u{323}\u{306}\u{20}\u{41}\u{302}\u{20}\u{41}\u{302}\u{300}\u{20}\u{41}\u{302}\u{301}\u{20}\u{41}\u{302}\u{303}\u{20}\u{41}\u{302}\u{309}\u{20}\u{41}\u{323}\u{302}\u{20}\u{45}\u{300}\u{20}\u{45}\u{301}\u{20}\u{45}\u{303}\u{20}\u{45}\u{309}\u{20}\u{45}\u{323}\u{20}\u{45}\u{302}\u{20}\u{45}\u{302}\u{300}\u{20}\u{45}\u{302}\u{301}\u{20}\u{45}\u{302}\u{303}\u{20}\u{45}\u{302}\u{309}\u{20}\u{45}\u{323}\u{302}\u{20}\u{49}\u{300}\u{20}\u{49}\u{301}\u{20}\u{49}\u{303}\u{20}\u{49}\u{309}\u{20}\u{49}\u{323}\u{20}\u{4F}\u{300}\u{20}\u{4F}\u{301}\u{20}\u{4F}\u{303}\u{20}\u{4F}\u{309}\u{20}\u{4F}\u{323}\u{20}\u{4F}\u{302}\u{20}\u{4F}\u{302}\u{300}\u{20}\u{4F}\u{302}\u{301}\u{20}\u{4F}\u{302}\u{303}\u{20}\u{4F}\u{302}\u{309}\u{20}\u{4F}\u{323}\u{302}\u{20}\u{4F}\u{31B}\u{20}\u{4F}\u{31B}\u{300}\u{20}\u{4F}\u{31B}\u{301}\u{20}\u{4F}\u{31B}\u{303}\u{20}\u{4F}\u{31B}\u{309}\u{20}\u{4F}\u{31B}\u{323}\u{20}\u{55}\u{300}\u{20}\u{55}\u{301}\u{20}\u{55}\u{303}\u{20}\u{55}\u{309}\u{20}\u{55}\u{323}\u{20}\u{55}\u{31B}\u{20}\u{55}\u{31B}\u{300}\u{20}\u{55}\u{31B}\u{301}\u{20}\u{55}\u{31B}\u{303}\u{20}\u{55}\u{31B}\u{309}\u{20}\u{55}\u{31B}\u{323}\u{20}\u{59}\u{300}\u{20}\u{59}\u{301}\u{20}\u{59}\u{303}\u{20}\u{59}\u{309}\u{20}\u{59}\u{323}\u{20}\u{110}\u{20}\u{111}"

    @Test func composesEveryVietnameseLetterFromNFD() {
        #expect(scalars(Self.nfc).count == 134 * 2 - 1)
        #expect(scalars(Self.nfd) != scalars(Self.nfc))
        #expect(scalars(VietnameseText.composed(Self.nfd)) == scalars(Self.nfc))
        // Letter by letter too, so a failure names the letter.
        let composedLetters = Self.nfc.split(separator: " ")
        let decomposedLetters = Self.nfd.split(separator: " ")
        #expect(composedLetters.count == 134)
        for (c, d) in zip(composedLetters, decomposedLetters) {
            #expect(scalars(VietnameseText.composed(String(d))) == scalars(String(c)), "\(c)")
        }
    }

    @Test func leavesNFCUnchanged() {
        #expect(scalars(VietnameseText.composed(Self.nfc)) == scalars(Self.nfc))
        let plain = "Nguyễn Thị Minh Khai, Phường Bến Nghé, Quận 1 - TP.HCM"
        #expect(scalars(VietnameseText.composed(plain)) == scalars(plain))
    }

    @Test func composesHalfComposedAndReorderedMarks() {
        // CP1258 style: precomposed base with a combining tone.
        #expect(scalars(VietnameseText.composed("\u{EA}\u{301}")) == [0x1EBF])  // ê + acute = ế
        #expect(scalars(VietnameseText.composed("\u{1B0}\u{303}")) == [0x1EEF])  // ư + tilde = ữ
        // Tone before modifier (not canonical order) still gives one letter.
        #expect(scalars(VietnameseText.composed("e\u{302}\u{323}")) == [0x1EC7])  // ệ
        #expect(scalars(VietnameseText.composed("e\u{323}\u{302}")) == [0x1EC7])
        #expect(scalars(VietnameseText.composed("\u{1EB9}\u{302}")) == [0x1EC7])  // ẹ + circumflex
        // Horn on o then tone.
        #expect(scalars(VietnameseText.composed("O\u{31B}\u{309}")) == [0x1EDE])  // Ở
    }

    @Test func leavesMarksThatCannotJoin() {
        // A second tone stays combining, like NFC.
        #expect(scalars(VietnameseText.composed("a\u{301}\u{300}")) == [0xE1, 0x300])
        // i has no circumflex form in Vietnamese: stays as is.
        #expect(scalars(VietnameseText.composed("i\u{302}")) == [0x69, 0x302])
        // A mark at the start, a mark after a consonant, a mark after a non-Vietnamese mark.
        #expect(scalars(VietnameseText.composed("\u{301}a")) == [0x301, 0x61])
        #expect(scalars(VietnameseText.composed("n\u{303}")) == [0x6E, 0x303])
        #expect(scalars(VietnameseText.composed("a\u{308}\u{301}")) == [0x61, 0x308, 0x301])
        // Two modifiers: the second stays.
        #expect(scalars(VietnameseText.composed("o\u{302}\u{31B}")) == [0xF4, 0x31B])
        #expect(VietnameseText.composed("") == "")
    }

    @Test func stripsControlAndFormatCharacters() {
        let injected =
            "Nguy\u{1B}@\u{1D}V\u{10}\u{4}ễn\u{7F}\u{85}\u{9B} V\u{200B}ăn\u{200F}\u{2028}\u{2029}\u{FEFF}\u{202E} A\t\r\n"
        #expect(scalars(VietnameseText.stripControlCharacters(injected)) == scalars("Nguy@Vễn Văn A"))
        // Ordinary and repeated spaces stay; nothing collapses.
        #expect(VietnameseText.stripControlCharacters("  a  b ") == "  a  b ")
        // Every C0 and C1 control and DEL goes.
        var all = String.UnicodeScalarView()
        for v in UInt32(0)...0x9F where !(0x20...0x7E).contains(v) { all.append(Unicode.Scalar(v)!) }
        #expect(VietnameseText.stripControlCharacters(String(all)).isEmpty)
        // Decomposed letters keep their marks (marks are not format characters).
        #expect(scalars(VietnameseText.stripControlCharacters("e\u{302}\u{301}")) == [0x65, 0x302, 0x301])
    }
}
