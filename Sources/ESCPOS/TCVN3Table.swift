/// TCVN 5712:1993 VN3 ("ABC", TCVN-3): the Vietnamese letters as Epson prints them on two pages.
///
/// TCVN-3 keeps lower case and capitals in two fonts at the same byte positions: Epson's page 30
/// holds the lower-case letters, page 31 the capitals at the same bytes. The pairs below are
/// (byte, lower-case letter); the capital is the letter's upper case at the same byte on page 31.
/// Cross-checked against three independent public tables (a TCVN-3 converter, a Java TCVN-3
/// charset written for ESC/POS printers, and the upper half of libiconv's TCVN table): no
/// differences.
///
/// The seven base capitals Ă Â Đ Ê Ô Ơ Ư: standard TCVN-3 puts them at 0xA1...0xA7 of the
/// lower-case font, and the capitals font has them at the lower-case positions (0xA8...0xAE).
/// The encoder sends them on page 31 at the bytes every reading agrees on (Ă 0xA1, Â 0xA2,
/// Đ 0xA7, Ê 0xAA, Ô 0xAB, Ơ 0xAC, Ư 0xAD); the decoder accepts every reading.
enum TCVN3Table {
    /// (byte, lower-case letter) for the 67 lower-case Vietnamese letters beyond ASCII.
    static let lowerCase: [(UInt8, UInt32)] = [
        (0xA8, 0x0103),  // ă Ă
        (0xA9, 0x00E2),  // â Â
        (0xAA, 0x00EA),  // ê Ê
        (0xAB, 0x00F4),  // ô Ô
        (0xAC, 0x01A1),  // ơ Ơ
        (0xAD, 0x01B0),  // ư Ư
        (0xAE, 0x0111),  // đ Đ
        (0xB5, 0x00E0),  // à À
        (0xB6, 0x1EA3),  // ả Ả
        (0xB7, 0x00E3),  // ã Ã
        (0xB8, 0x00E1),  // á Á
        (0xB9, 0x1EA1),  // ạ Ạ
        (0xBB, 0x1EB1),  // ằ Ằ
        (0xBC, 0x1EB3),  // ẳ Ẳ
        (0xBD, 0x1EB5),  // ẵ Ẵ
        (0xBE, 0x1EAF),  // ắ Ắ
        (0xC6, 0x1EB7),  // ặ Ặ
        (0xC7, 0x1EA7),  // ầ Ầ
        (0xC8, 0x1EA9),  // ẩ Ẩ
        (0xC9, 0x1EAB),  // ẫ Ẫ
        (0xCA, 0x1EA5),  // ấ Ấ
        (0xCB, 0x1EAD),  // ậ Ậ
        (0xCC, 0x00E8),  // è È
        (0xCE, 0x1EBB),  // ẻ Ẻ
        (0xCF, 0x1EBD),  // ẽ Ẽ
        (0xD0, 0x00E9),  // é É
        (0xD1, 0x1EB9),  // ẹ Ẹ
        (0xD2, 0x1EC1),  // ề Ề
        (0xD3, 0x1EC3),  // ể Ể
        (0xD4, 0x1EC5),  // ễ Ễ
        (0xD5, 0x1EBF),  // ế Ế
        (0xD6, 0x1EC7),  // ệ Ệ
        (0xD7, 0x00EC),  // ì Ì
        (0xD8, 0x1EC9),  // ỉ Ỉ
        (0xDC, 0x0129),  // ĩ Ĩ
        (0xDD, 0x00ED),  // í Í
        (0xDE, 0x1ECB),  // ị Ị
        (0xDF, 0x00F2),  // ò Ò
        (0xE1, 0x1ECF),  // ỏ Ỏ
        (0xE2, 0x00F5),  // õ Õ
        (0xE3, 0x00F3),  // ó Ó
        (0xE4, 0x1ECD),  // ọ Ọ
        (0xE5, 0x1ED3),  // ồ Ồ
        (0xE6, 0x1ED5),  // ổ Ổ
        (0xE7, 0x1ED7),  // ỗ Ỗ
        (0xE8, 0x1ED1),  // ố Ố
        (0xE9, 0x1ED9),  // ộ Ộ
        (0xEA, 0x1EDD),  // ờ Ờ
        (0xEB, 0x1EDF),  // ở Ở
        (0xEC, 0x1EE1),  // ỡ Ỡ
        (0xED, 0x1EDB),  // ớ Ớ
        (0xEE, 0x1EE3),  // ợ Ợ
        (0xEF, 0x00F9),  // ù Ù
        (0xF1, 0x1EE7),  // ủ Ủ
        (0xF2, 0x0169),  // ũ Ũ
        (0xF3, 0x00FA),  // ú Ú
        (0xF4, 0x1EE5),  // ụ Ụ
        (0xF5, 0x1EEB),  // ừ Ừ
        (0xF6, 0x1EED),  // ử Ử
        (0xF7, 0x1EEF),  // ữ Ữ
        (0xF8, 0x1EE9),  // ứ Ứ
        (0xF9, 0x1EF1),  // ự Ự
        (0xFA, 0x1EF3),  // ỳ Ỳ
        (0xFB, 0x1EF7),  // ỷ Ỷ
        (0xFC, 0x1EF9),  // ỹ Ỹ
        (0xFD, 0x00FD),  // ý Ý
        (0xFE, 0x1EF5),  // ỵ Ỵ
    ]

    /// Page-31 bytes of the base capitals, where every reading of the standard agrees.
    static let baseCapitals: [(UInt8, UInt32)] = [
        (0xA1, 0x0102), (0xA2, 0x00C2), (0xA7, 0x0110), (0xAA, 0x00CA), (0xAB, 0x00D4), (0xAC, 0x01A0),
        (0xAD, 0x01AF),
    ]

    /// Base capitals at 0xA1...0xA7 in standard TCVN-3 (Ă Â Ê Ô Ơ Ư Đ), accepted when decoding.
    static let standardCapitals: [(UInt8, UInt32)] = [
        (0xA1, 0x0102), (0xA2, 0x00C2), (0xA3, 0x00CA), (0xA4, 0x00D4), (0xA5, 0x01A0), (0xA6, 0x01AF),
        (0xA7, 0x0110),
    ]

    /// Combining tone marks of standard TCVN-3 (grave, hook, tilde, acute, dot below), decode only.
    static let combiningMarks: [(UInt8, UInt32)] = [
        (0xB0, 0x0300), (0xB1, 0x0309), (0xB2, 0x0303), (0xB3, 0x0301), (0xB4, 0x0323),
    ]
}
