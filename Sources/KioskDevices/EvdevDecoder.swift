import KioskSystem

/// Turns the key events of a keyboard-wedge scanner into scan texts.
///
/// Pure state machine, no I/O: the reader feeds it each `InputEvent` with the monotonic time
/// it was read, and asks it when the pending scan times out. Rules:
/// - Key presses (value 1) type the keymap's character with Shift (either), CapsLock
///   (toggles; letters only) and AltGr. Autorepeat (value 2) is ignored: a scanner never
///   holds a key, so a repeat only comes from a stalled USB transfer with a key down, and
///   typing it would add characters the barcode does not have.
/// - Keypad digits type digits while NumLock is on (on at start, as scanners assume) and
///   nothing (navigation) while it is off.
/// - Alt (left or right) held with keypad digits, then released, types the Unicode code point
///   of that decimal number (Windows Alt-code style, how scanners send Vietnamese). The number
///   is taken as a code point whatever its leading zeros (Windows would use a code page
///   below 256); 0, surrogates and numbers above U+10FFFF type nothing.
/// - `KEY_ENTER`/`KEY_KPENTER` end a scan; so does a gap longer than the scan timeout
///   between two key events by the kernel's own event time (`input_event.time`), so a reader
///   that stalls mid-scan (and then reads the rest at once) does not split it.
/// - A scan that never gets its Enter ends when no key was *read* for the scan timeout
///   (`deadline`, `expire(now:)`): the only use of the read time.
/// - More than `maximumLength` characters: the scan is dropped, and the rest up to its end.
/// - `SYN_DROPPED`: events up to the next `SYN_REPORT` are discarded, modifiers (and the
///   CapsLock/NumLock toggles) reset, and the scan it fell in is dropped at its end, even when
///   the decoder had seen none of it yet (the kernel keeps the newest events, so what follows
///   a drop is the tail of a scan whose start was lost). Keys after a gap longer than the
///   scan timeout start a fresh scan.
/// - Keys the keymap does not have are ignored and reported as `.ignoredKey`.
public struct EvdevDecoder: Sendable {
    /// What one event produced.
    public enum Output: Sendable, Equatable {
        /// A complete scan, as typed (not yet parsed).
        case scan(String)
        /// A scan thrown away.
        case dropped(ScanDropReason)
        /// A key press the keymap has no character for (counted, logged at debug).
        case ignoredKey(UInt16)
        /// An Alt code that is not a character (0, a surrogate, above U+10FFFF).
        case invalidAltCode
    }

    /// Longest scan, in Unicode scalars (the parser's limit).
    public static let maximumLength = 4096

    private let keymap: Keymap
    private let timeout: UInt64

    private var leftShift = false
    private var rightShift = false
    private var leftAlt = false
    private var rightAlt = false
    private var control = 0
    private var capsLock = false
    private var numLock = true
    private var altDigits: UInt32?
    private var altDigitCount = 0

    private var text = String.UnicodeScalarView()
    private var length = 0
    private var overlong = false
    private var damaged = false
    private var discardingToReport = false
    /// When the last key (or `SYN_DROPPED`) was read (monotonic ns): the no-Enter deadline.
    private var lastKeyAt: UInt64?
    /// The kernel's time of the last key event (or `SYN_DROPPED`), ns: the inter-key gap.
    private var lastKeyEventTime: Int64?

    /// Key presses with no character so far.
    public private(set) var ignoredKeyCount = 0
    /// Autorepeat events ignored so far.
    public private(set) var ignoredRepeatCount = 0

    /// A decoder with `keymap`, ending a scan after `scanTimeout` without key events.
    public init(keymap: Keymap, scanTimeout: Duration) {
        self.keymap = keymap
        timeout = scanTimeout.totalNanoseconds
    }

    /// Whether a scan is in progress (characters, or a scan being discarded).
    public var hasPendingScan: Bool { length > 0 || overlong || damaged || altDigits != nil }

    /// When the scan in progress ends for lack of keys read (monotonic ns), or nil: only for
    /// a scan that never gets its Enter (gaps between keys are judged by the kernel's time).
    public var deadline: UInt64? {
        guard hasPendingScan, let lastKeyAt else { return nil }
        return lastKeyAt &+ timeout
    }

    /// Feeds one event that was read at `now` (monotonic ns) and appends what it produced.
    public mutating func feed(_ event: InputEvent, now: UInt64, into outputs: inout [Output]) {
        let isKey = event.type == InputEvent.typeKey && !discardingToReport
        if isKey || event.isDropped {
            // The gap by the kernel's clock: when the device typed the keys, not when a busy
            // reader got to them. A clock that went back counts as no gap.
            let time = event.nanoseconds
            // (`time > last`, so the wrapped difference read unsigned is the true one: no overflow
            // on timestamps at the ends of the range, as a fuzzed record has.)
            if let last = lastKeyEventTime, time > last, UInt64(bitPattern: time &- last) > timeout, hasPendingScan {
                endScan(into: &outputs)
            }
            lastKeyEventTime = time
            lastKeyAt = now
        }
        if event.type == InputEvent.typeSynchronization {
            if event.code == InputEvent.synDropped {
                discardingToReport = true
                resetModifiers()
                // Events of this scan were lost, whether or not any of it was decoded yet.
                damaged = true
                altDigits = nil
            } else if event.code == InputEvent.synReport {
                discardingToReport = false
            }
            return
        }
        guard isKey else { return }
        switch event.value {
        case InputEvent.pressed: press(event.code, into: &outputs)
        case InputEvent.released: release(event.code, into: &outputs)
        default: ignoredRepeatCount += 1
        }
    }

    /// Ends the scan in progress when its deadline has passed at `now`.
    public mutating func expire(now: UInt64, into outputs: inout [Output]) {
        if let deadline, now > deadline { endScan(into: &outputs) }
    }

    /// Forgets the scan in progress and every modifier (the device went away).
    public mutating func reset(into outputs: inout [Output]) {
        if length > 0 || overlong || damaged { outputs.append(.dropped(.deviceGone)) }
        clearScan()
        resetModifiers()
        lastKeyEventTime = nil
    }

    /// Marks the scan in progress as damaged (events of it were lost before they reached the
    /// decoder, e.g. a torn record): it is dropped at its end as `eventsLost`.
    public mutating func markEventsLost(now: UInt64) {
        damaged = true
        altDigits = nil
        lastKeyAt = now
    }

    private mutating func press(_ code: UInt16, into outputs: inout [Output]) {
        switch code {
        case KeyCode.leftShift: leftShift = true
        case KeyCode.rightShift: rightShift = true
        case KeyCode.leftAlt, KeyCode.rightAlt:
            if !leftAlt && !rightAlt { altDigits = nil; altDigitCount = 0 }
            if code == KeyCode.leftAlt { leftAlt = true } else { rightAlt = true }
        case KeyCode.leftControl, KeyCode.rightControl: control += 1
        case KeyCode.capsLock: capsLock.toggle()
        case KeyCode.numLock: numLock.toggle()
        case KeyCode.enter, KeyCode.keypadEnter: endScan(into: &outputs)
        default:
            if let digit = KeyCode.keypadDigit(code), leftAlt || rightAlt {
                typeAltDigit(digit)
                return
            }
            if KeyCode.isNumLockKey(code), !numLock { return }
            let altGr = rightAlt && keymap.entry(for: code)?.altGr != nil
            guard control == 0, !(leftAlt || rightAlt) || altGr,
                let scalar = keymap.character(
                    for: code, shift: leftShift || rightShift, capsLock: capsLock, altGr: altGr)
            else {
                ignoredKeyCount += 1
                outputs.append(.ignoredKey(code))
                return
            }
            append(scalar)
        }
    }

    private mutating func release(_ code: UInt16, into outputs: inout [Output]) {
        switch code {
        case KeyCode.leftShift: leftShift = false
        case KeyCode.rightShift: rightShift = false
        case KeyCode.leftAlt, KeyCode.rightAlt:
            if code == KeyCode.leftAlt { leftAlt = false } else { rightAlt = false }
            guard !leftAlt, !rightAlt, let value = altDigits else { return }
            altDigits = nil
            if altDigitCount <= 7, value != 0, let scalar = Unicode.Scalar(value) {
                append(scalar)
            } else {
                outputs.append(.invalidAltCode)
            }
        case KeyCode.leftControl, KeyCode.rightControl: control = max(0, control - 1)
        default: break
        }
    }

    private mutating func typeAltDigit(_ digit: UInt32) {
        altDigitCount += 1
        // Beyond 7 digits it cannot be a code point; stop growing (reported on release).
        if altDigitCount <= 7 { altDigits = (altDigits ?? 0) * 10 + digit }
    }

    private mutating func append(_ scalar: Unicode.Scalar) {
        length += 1
        if overlong { return }
        if length > EvdevDecoder.maximumLength {
            overlong = true
            text = String.UnicodeScalarView()
            return
        }
        text.append(scalar)
    }

    private mutating func endScan(into outputs: inout [Output]) {
        if damaged {
            outputs.append(.dropped(.eventsLost))
        } else if overlong {
            outputs.append(.dropped(.tooLong(characters: length)))
        } else if length > 0 {
            outputs.append(.scan(String(text)))
        }
        clearScan()
    }

    private mutating func clearScan() {
        text = String.UnicodeScalarView()
        length = 0
        overlong = false
        damaged = false
        altDigits = nil
        altDigitCount = 0
    }

    private mutating func resetModifiers() {
        leftShift = false
        rightShift = false
        leftAlt = false
        rightAlt = false
        control = 0
        capsLock = false
        numLock = true
    }
}
