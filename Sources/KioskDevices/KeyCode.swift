/// The key codes the scanner decoder treats specially (values of `linux/input-event-codes.h`).
public enum KeyCode {
    /// `KEY_ENTER`.
    public static let enter: UInt16 = 28
    /// `KEY_KPENTER`.
    public static let keypadEnter: UInt16 = 96
    /// `KEY_LEFTSHIFT`.
    public static let leftShift: UInt16 = 42
    /// `KEY_RIGHTSHIFT`.
    public static let rightShift: UInt16 = 54
    /// `KEY_LEFTALT`.
    public static let leftAlt: UInt16 = 56
    /// `KEY_RIGHTALT` (AltGr on European layouts).
    public static let rightAlt: UInt16 = 100
    /// `KEY_LEFTCTRL`.
    public static let leftControl: UInt16 = 29
    /// `KEY_RIGHTCTRL`.
    public static let rightControl: UInt16 = 97
    /// `KEY_CAPSLOCK`.
    public static let capsLock: UInt16 = 58
    /// `KEY_NUMLOCK`.
    public static let numLock: UInt16 = 69
    /// `KEY_KPDOT`.
    public static let keypadDot: UInt16 = 83

    /// `KEY_KP0` … `KEY_KP9`, indexed by digit.
    public static let keypadDigits: [UInt16] = [82, 79, 80, 81, 75, 76, 77, 71, 72, 73]

    /// The digit of a keypad digit key, or nil.
    public static func keypadDigit(_ code: UInt16) -> UInt32? {
        switch code {
        case 82: 0
        case 79: 1
        case 80: 2
        case 81: 3
        case 75: 4
        case 76: 5
        case 77: 6
        case 71: 7
        case 72: 8
        case 73: 9
        default: nil
        }
    }

    /// Keys that are digits (or the decimal point) with NumLock on and navigation with it off.
    public static func isNumLockKey(_ code: UInt16) -> Bool {
        keypadDigit(code) != nil || code == keypadDot
    }
}
