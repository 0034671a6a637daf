/// Reads the keymap file format (documented at the top of `Hardware/keymaps/us.keymap`):
///
///     # comment
///     KEY_A a A            key, base, shifted
///     KEY_Q q Q @          key, base, shifted, AltGr
///     KEY_SPACE space space
///     39 ; :               the key by number
///     KEY_GRAVE none °     no character
///     KEY_E e E U+20AC     a code point in hex
///
/// Every problem is reported with the file and line.
extension Keymap {
    /// Parses a keymap's text; `file` names it in errors and gives the keymap its name.
    public static func parse(_ text: String, file: String) throws(KeymapError) -> Keymap {
        var keymap = Keymap(name: keymapName(of: file))
        var definedOn: [UInt16: Int] = [:]
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let tokens = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = tokens.first, !first.hasPrefix("#") else { continue }
            func fail(_ message: String) -> KeymapError { KeymapError(file: file, line: lineNumber, message: message) }
            guard (2...4).contains(tokens.count) else {
                throw fail("expected `KEY BASE [SHIFTED [ALTGR]]`, found \(tokens.count) field(s)")
            }
            let code = try keyCode(String(first), fail)
            if let earlier = definedOn[code] {
                throw fail("\(KeyCodeName.name(of: code) ?? String(code)) is already defined on line \(earlier)")
            }
            let base = try character(String(tokens[1]), column: "base", fail)
            let shifted = tokens.count > 2 ? try character(String(tokens[2]), column: "shifted", fail) : nil
            let altGr = tokens.count > 3 ? try character(String(tokens[3]), column: "AltGr", fail) : nil
            guard base != nil || shifted != nil || altGr != nil else { throw fail("the key types no character at all") }
            keymap.set(Entry(base: base, shifted: shifted, altGr: altGr), for: code)
            definedOn[code] = lineNumber
        }
        guard !definedOn.isEmpty else { throw KeymapError(file: file, message: "defines no keys") }
        return keymap
    }

    /// `Hardware/keymaps/de.keymap` → `de`.
    static func keymapName(of file: String) -> String {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        return base.hasSuffix(".keymap") ? String(base.dropLast(".keymap".count)) : base
    }

    private static func keyCode(_ token: String, _ fail: (String) -> KeymapError) throws(KeymapError) -> UInt16 {
        if let first = token.utf8.first, first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
            let number = token.hasPrefix("0x") ? Int(token.dropFirst(2), radix: 16) : Int(token)
            guard let number, number > 0, number <= Int(Keymap.maximumKeyCode) else {
                throw fail("key number \(token) is not between 1 and \(Keymap.maximumKeyCode)")
            }
            return UInt16(number)
        }
        guard let code = KeyCodeName.code(named: token) else {
            throw fail("unknown key name \(token) (names are those of linux/input-event-codes.h, e.g. KEY_A)")
        }
        return code
    }

    private static func character(
        _ token: String, column: String, _ fail: (String) -> KeymapError
    ) throws(KeymapError) -> Unicode.Scalar? {
        switch token {
        case "none": return nil
        case "space": return " "
        default: break
        }
        if token.count > 2, token.hasPrefix("U+") {
            guard let value = UInt32(token.dropFirst(2), radix: 16), let scalar = Unicode.Scalar(value) else {
                throw fail("\(column) character \(token) is not a Unicode code point")
            }
            guard !isControl(scalar) else { throw fail("\(column) character \(token) is a control character") }
            return scalar
        }
        let scalars = token.unicodeScalars
        guard scalars.count == 1, let scalar = scalars.first else {
            throw fail("\(column) character `\(token)` is not one character (use U+XXXX, space or none)")
        }
        guard !isControl(scalar) else { throw fail("\(column) character is a control character (use U+XXXX)") }
        return scalar
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
