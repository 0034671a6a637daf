import KioskDevices

/// The `input_event` records a keyboard-wedge scanner sends for a text: what `kiosk-bench
/// make-capture` writes, and what the tests and benchmark feed the reader.
///
/// Each character is a key press and release, each followed by `SYN_REPORT`, with a
/// `MSC_SCAN` before each key event as USB HID keyboards send; Shift or AltGr is pressed
/// around the keys that need it. Characters the layout cannot type (and, with
/// `.nonASCII`, every character above U+007F) are sent as Alt codes: left Alt held, the
/// code point's decimal digits on the keypad, Alt released.
public struct ScannerKeystrokes: Sendable {
    /// When to send a character as an Alt code.
    public enum AltCodes: Sendable {
        /// Never: a character the layout lacks is an error.
        case never
        /// Only for characters the layout cannot type.
        case whenNeeded
        /// For every character above U+007F (scanners in "Unicode Alt mode" do this).
        case nonASCII
    }

    /// A character the layout cannot type and Alt codes are off.
    public struct Untypable: Error, Sendable, CustomStringConvertible {
        /// Its code point.
        public var scalar: Unicode.Scalar
        /// `U+1EC7 is not on the us keymap (use --alt-codes)`.
        public var description: String
    }

    private let keymap: Keymap
    private let altCodes: AltCodes
    private let start: (seconds: Int64, microseconds: Int64)
    private let step: Int64

    /// Keystrokes for `keymap`; timestamps begin at `startSeconds` and advance
    /// `stepMicroseconds` for each report.
    public init(
        keymap: Keymap, altCodes: AltCodes = .whenNeeded, startSeconds: Int64 = 1_700_000_000,
        stepMicroseconds: Int64 = 500
    ) {
        self.keymap = keymap
        self.altCodes = altCodes
        start = (startSeconds, 0)
        step = stepMicroseconds
    }

    /// The events for `text`, then Enter when `enter` is true.
    public func events(for text: String, enter: Bool = true) throws(Untypable) -> [InputEvent] {
        var builder = Builder(seconds: start.seconds, step: step)
        for scalar in text.unicodeScalars {
            let useAltCode = altCodes == .nonASCII && scalar.value > 0x7F
            if !useAltCode, let stroke = keymap.keystroke(for: scalar) {
                if stroke.shift { builder.key(KeyCode.leftShift, InputEvent.pressed) }
                if stroke.altGr { builder.key(KeyCode.rightAlt, InputEvent.pressed) }
                builder.key(stroke.code, InputEvent.pressed)
                builder.key(stroke.code, InputEvent.released)
                if stroke.altGr { builder.key(KeyCode.rightAlt, InputEvent.released) }
                if stroke.shift { builder.key(KeyCode.leftShift, InputEvent.released) }
            } else if altCodes != .never {
                builder.key(KeyCode.leftAlt, InputEvent.pressed)
                for digit in String(scalar.value).utf8 {
                    let code = KeyCode.keypadDigits[Int(digit - UInt8(ascii: "0"))]
                    builder.key(code, InputEvent.pressed)
                    builder.key(code, InputEvent.released)
                }
                builder.key(KeyCode.leftAlt, InputEvent.released)
            } else {
                throw Untypable(
                    scalar: scalar,
                    description:
                        "U+\(String(scalar.value, radix: 16, uppercase: true)) is not on the \(keymap.name) keymap (use Alt codes)"
                )
            }
        }
        if enter {
            builder.key(KeyCode.enter, InputEvent.pressed)
            builder.key(KeyCode.enter, InputEvent.released)
        }
        return builder.events
    }

    private struct Builder {
        var events: [InputEvent] = []
        var seconds: Int64
        var microseconds: Int64 = 0
        let step: Int64

        init(seconds: Int64, step: Int64) {
            self.seconds = seconds
            self.step = step
        }

        mutating func key(_ code: UInt16, _ value: Int32) {
            // USB HID usage page 7 scan code; any stable value will do for the decoder.
            events.append(
                InputEvent(
                    type: InputEvent.typeMisc, code: InputEvent.mscScan, value: 0x70000 + Int32(code), seconds: seconds,
                    microseconds: microseconds))
            events.append(.key(code, value, seconds: seconds, microseconds: microseconds))
            events.append(.report(seconds: seconds, microseconds: microseconds))
            microseconds += step
            if microseconds >= 1_000_000 {
                seconds += microseconds / 1_000_000
                microseconds %= 1_000_000
            }
        }
    }
}
