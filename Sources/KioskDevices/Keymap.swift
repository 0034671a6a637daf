/// A keyboard layout: which character each key gives, alone, with Shift and with AltGr.
///
/// A keyboard-wedge scanner types as a keyboard set to one layout (US by default; many
/// scanners can be set to German, French, …), so the reader needs the same layout to turn
/// key codes back into characters. Keymaps are data files of `Hardware/keymaps/`, read by
/// `Keymap.parse(_:file:)`; the format is described at the top of `us.keymap`.
public struct Keymap: Sendable, Equatable {
    /// What one key gives.
    public struct Entry: Sendable, Equatable {
        /// Without modifiers.
        public var base: Unicode.Scalar?
        /// With Shift.
        public var shifted: Unicode.Scalar?
        /// With AltGr (right Alt), in layouts that have it.
        public var altGr: Unicode.Scalar?

        /// Creates an entry.
        public init(base: Unicode.Scalar?, shifted: Unicode.Scalar? = nil, altGr: Unicode.Scalar? = nil) {
            self.base = base
            self.shifted = shifted
            self.altGr = altGr
        }

        /// CapsLock affects letters only: keys whose shifted character is the upper case of
        /// the base one (`a A`, `ä Ä`), not `1 !`.
        public var followsCapsLock: Bool {
            guard let base, let shifted, base.properties.isLowercase else { return false }
            return base.properties.uppercaseMapping == String(shifted)
        }
    }

    /// The layout's name, e.g. `us` (the file name without `.keymap`).
    public let name: String
    private var table: [Entry?]

    /// The highest key code a keymap may name (`KEY_MAX`).
    public static let maximumKeyCode: UInt16 = 0x2ff

    /// An empty layout named `name`; add keys with `set(_:for:)`.
    public init(name: String) {
        self.name = name
        table = Array(repeating: nil, count: Int(Keymap.maximumKeyCode) + 1)
    }

    /// Sets what `code` gives.
    public mutating func set(_ entry: Entry, for code: UInt16) {
        precondition(code <= Keymap.maximumKeyCode, "key code \(code) is above KEY_MAX")
        table[Int(code)] = entry
    }

    /// What `code` gives, or nil when the layout does not have that key.
    public func entry(for code: UInt16) -> Entry? {
        Int(code) < table.count ? table[Int(code)] : nil
    }

    /// The key codes the layout defines, ascending.
    public var keyCodes: [UInt16] { table.indices.filter { table[$0] != nil }.map { UInt16($0) } }

    /// The character `code` types with these modifiers, or nil when it types none.
    ///
    /// CapsLock inverts Shift for letters only (`Entry.followsCapsLock`); AltGr picks the
    /// third column when the key has one.
    public func character(for code: UInt16, shift: Bool, capsLock: Bool, altGr: Bool) -> Unicode.Scalar? {
        guard let entry = entry(for: code) else { return nil }
        if altGr { return entry.altGr }
        let shifted = entry.followsCapsLock ? shift != capsLock : shift
        return shifted ? entry.shifted : entry.base
    }

    /// How a keyboard with this layout types `scalar`: the key and whether Shift or AltGr is
    /// held; nil when no key types it (a scanner then uses an Alt code). Prefers the lowest
    /// key code (the main row over the keypad) and the base column over Shift and AltGr.
    public func keystroke(for scalar: Unicode.Scalar) -> (code: UInt16, shift: Bool, altGr: Bool)? {
        for (index, entry) in table.enumerated() {
            guard let entry else { continue }
            if entry.base == scalar { return (UInt16(index), false, false) }
        }
        for (index, entry) in table.enumerated() {
            guard let entry else { continue }
            if entry.shifted == scalar { return (UInt16(index), true, false) }
        }
        for (index, entry) in table.enumerated() {
            guard let entry else { continue }
            if entry.altGr == scalar { return (UInt16(index), false, true) }
        }
        return nil
    }
}
