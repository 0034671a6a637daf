/// Vietnamese text as the kiosk receives it from scanners and prints it: canonical composition
/// of Vietnamese letters (NFC) and removal of control characters, with no Foundation.
///
/// Scanners and ID-card QR codes may send letters decomposed (`e` + U+0323 + U+0302 for `ệ`), or
/// half composed (`ê` + U+0323). Receipts and the store want one form, NFC, so that a code page
/// lookup or a comparison sees one scalar per letter.
public enum VietnameseText {
    /// Composes Vietnamese letters to their precomposed (NFC) scalars.
    ///
    /// Covers the twelve Vietnamese vowels (`a ă â e ê i o ô ơ u ư y`, both cases) with the
    /// modifier marks U+0302 (circumflex), U+0306 (breve), U+031B (horn) and the tone marks
    /// U+0300, U+0301, U+0303, U+0309, U+0323, in any order and partly precomposed. Any other
    /// scalar passes through unchanged; a mark that cannot join the letter before it (a second
    /// tone, a mark outside the set) stays as it is, as in Unicode NFC. `Đ`/`đ` have no
    /// decomposition in Unicode and pass through.
    public static func composed(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var last: Letter?  // the letter at the end of `out`, while marks may still join it
        for scalar in text.unicodeScalars {
            if let current = last, let mark = Mark(scalar), let joined = current.adding(mark),
                let composedScalar = joined.scalar
            {
                out.removeLast()
                out.append(composedScalar)
                last = joined
                continue
            }
            out.append(scalar)
            last = Letter.decomposing(scalar)
        }
        return String(out)
    }

    /// Removes control characters and invisible format characters; keeps everything else,
    /// ordinary spaces included, and collapses nothing.
    ///
    /// Removed: C0 controls U+0000–U+001F (tab and line breaks included), DEL U+007F, C1
    /// controls U+0080–U+009F, soft hyphen U+00AD, Arabic letter mark U+061C, Mongolian vowel
    /// separator U+180E, zero-width and direction marks U+200B–U+200F, line/paragraph separators
    /// and bidirectional embeddings U+2028–U+202E, word joiner and invisible operators
    /// U+2060–U+206F, the byte order mark U+FEFF and interlinear annotation U+FFF9–U+FFFB. This is
    /// what keeps scanned text from carrying printer commands (ESC, GS, DLE) or spoofing a name.
    public static func stripControlCharacters(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !isControlOrFormat(scalar) {
            out.append(scalar)
        }
        return String(out)
    }

    /// Whether a scalar is one that `stripControlCharacters(_:)` removes.
    public static func isControlOrFormat(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0xAD, 0x61C, 0x180E, 0x200B...0x200F, 0x2028...0x202E,
            0x2060...0x206F, 0xFEFF, 0xFFF9...0xFFFB:
            true
        default:
            false
        }
    }
}

/// A combining mark that Vietnamese letters use.
private enum Mark {
    case modifier(UInt32)  // U+0302, U+0306, U+031B
    case tone(Int)  // index into the tone columns, 1...5

    init?(_ scalar: Unicode.Scalar) {
        switch scalar.value {
        case 0x0302, 0x0306, 0x031B: self = .modifier(scalar.value)
        case 0x0300: self = .tone(1)
        case 0x0301: self = .tone(2)
        case 0x0303: self = .tone(3)
        case 0x0309: self = .tone(4)
        case 0x0323: self = .tone(5)
        default: return nil
        }
    }
}

/// A Vietnamese vowel as (row of the table, tone column); the row names base letter and modifier.
private struct Letter {
    var row: Int
    var tone: Int

    /// The precomposed scalar, if Unicode has one.
    var scalar: Unicode.Scalar? { Unicode.Scalar(VietnameseLetters.table[row][tone]) }

    /// This letter with one more mark, or nil when the mark cannot join it.
    func adding(_ mark: Mark) -> Letter? {
        switch mark {
        case .tone(let t):
            return tone == 0 ? Letter(row: row, tone: t) : nil
        case .modifier(let m):
            let (base, modifier) = VietnameseLetters.rows[row]
            guard modifier == 0 else { return nil }
            guard let target = VietnameseLetters.rows.firstIndex(where: { $0.base == base && $0.modifier == m })
            else { return nil }
            return Letter(row: target, tone: tone)
        }
    }

    static func decomposing(_ scalar: Unicode.Scalar) -> Letter? {
        VietnameseLetters.position[scalar.value]
    }
}

/// The 24 rows (12 vowels, lower then upper case) by 6 tones (none, grave, acute, tilde, hook
/// above, dot below) of precomposed Vietnamese vowels, from the Unicode character database.
private enum VietnameseLetters {
    /// Base letter and modifier mark (0 for none) of each row of `table`.
    static let rows: [(base: UInt32, modifier: UInt32)] = {
        let lower: [(UInt32, UInt32)] = [
            (0x61, 0), (0x61, 0x306), (0x61, 0x302), (0x65, 0), (0x65, 0x302), (0x69, 0),
            (0x6F, 0), (0x6F, 0x302), (0x6F, 0x31B), (0x75, 0), (0x75, 0x31B), (0x79, 0),
        ]
        return lower + lower.map { ($0.0 - 0x20, $0.1) }
    }()

    static let table: [[UInt32]] = [
        [0x0061, 0x00E0, 0x00E1, 0x00E3, 0x1EA3, 0x1EA1],  // a à á ã ả ạ
        [0x0103, 0x1EB1, 0x1EAF, 0x1EB5, 0x1EB3, 0x1EB7],  // ă ằ ắ ẵ ẳ ặ
        [0x00E2, 0x1EA7, 0x1EA5, 0x1EAB, 0x1EA9, 0x1EAD],  // â ầ ấ ẫ ẩ ậ
        [0x0065, 0x00E8, 0x00E9, 0x1EBD, 0x1EBB, 0x1EB9],  // e è é ẽ ẻ ẹ
        [0x00EA, 0x1EC1, 0x1EBF, 0x1EC5, 0x1EC3, 0x1EC7],  // ê ề ế ễ ể ệ
        [0x0069, 0x00EC, 0x00ED, 0x0129, 0x1EC9, 0x1ECB],  // i ì í ĩ ỉ ị
        [0x006F, 0x00F2, 0x00F3, 0x00F5, 0x1ECF, 0x1ECD],  // o ò ó õ ỏ ọ
        [0x00F4, 0x1ED3, 0x1ED1, 0x1ED7, 0x1ED5, 0x1ED9],  // ô ồ ố ỗ ổ ộ
        [0x01A1, 0x1EDD, 0x1EDB, 0x1EE1, 0x1EDF, 0x1EE3],  // ơ ờ ớ ỡ ở ợ
        [0x0075, 0x00F9, 0x00FA, 0x0169, 0x1EE7, 0x1EE5],  // u ù ú ũ ủ ụ
        [0x01B0, 0x1EEB, 0x1EE9, 0x1EEF, 0x1EED, 0x1EF1],  // ư ừ ứ ữ ử ự
        [0x0079, 0x1EF3, 0x00FD, 0x1EF9, 0x1EF7, 0x1EF5],  // y ỳ ý ỹ ỷ ỵ
        [0x0041, 0x00C0, 0x00C1, 0x00C3, 0x1EA2, 0x1EA0],  // A À Á Ã Ả Ạ
        [0x0102, 0x1EB0, 0x1EAE, 0x1EB4, 0x1EB2, 0x1EB6],  // Ă Ằ Ắ Ẵ Ẳ Ặ
        [0x00C2, 0x1EA6, 0x1EA4, 0x1EAA, 0x1EA8, 0x1EAC],  // Â Ầ Ấ Ẫ Ẩ Ậ
        [0x0045, 0x00C8, 0x00C9, 0x1EBC, 0x1EBA, 0x1EB8],  // E È É Ẽ Ẻ Ẹ
        [0x00CA, 0x1EC0, 0x1EBE, 0x1EC4, 0x1EC2, 0x1EC6],  // Ê Ề Ế Ễ Ể Ệ
        [0x0049, 0x00CC, 0x00CD, 0x0128, 0x1EC8, 0x1ECA],  // I Ì Í Ĩ Ỉ Ị
        [0x004F, 0x00D2, 0x00D3, 0x00D5, 0x1ECE, 0x1ECC],  // O Ò Ó Õ Ỏ Ọ
        [0x00D4, 0x1ED2, 0x1ED0, 0x1ED6, 0x1ED4, 0x1ED8],  // Ô Ồ Ố Ỗ Ổ Ộ
        [0x01A0, 0x1EDC, 0x1EDA, 0x1EE0, 0x1EDE, 0x1EE2],  // Ơ Ờ Ớ Ỡ Ở Ợ
        [0x0055, 0x00D9, 0x00DA, 0x0168, 0x1EE6, 0x1EE4],  // U Ù Ú Ũ Ủ Ụ
        [0x01AF, 0x1EEA, 0x1EE8, 0x1EEE, 0x1EEC, 0x1EF0],  // Ư Ừ Ứ Ữ Ử Ự
        [0x0059, 0x1EF2, 0x00DD, 0x1EF8, 0x1EF6, 0x1EF4],  // Y Ỳ Ý Ỹ Ỷ Ỵ
    ]

    /// Where each scalar of `table` sits.
    static let position: [UInt32: Letter] = {
        var map: [UInt32: Letter] = [:]
        for (row, scalars) in table.enumerated() {
            for (tone, value) in scalars.enumerated() { map[value] = Letter(row: row, tone: tone) }
        }
        return map
    }()
}
