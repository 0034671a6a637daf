import KioskDevices
import KioskEmulators
import Testing

/// The decoder alone: events in, scans out, times given by the test.
@Suite("evdev decoder")
struct EvdevDecoderTests {
    let us = try! ScannerRig.keymap("us")

    func decode(
        _ events: [InputEvent], keymap: Keymap? = nil, timeout: Duration = .milliseconds(80), spacing: UInt64 = 1_000
    ) -> [EvdevDecoder.Output] {
        var decoder = EvdevDecoder(keymap: keymap ?? us, scanTimeout: timeout)
        var outputs: [EvdevDecoder.Output] = []
        var now: UInt64 = 1_000_000_000
        for event in events {
            decoder.feed(event, now: now, into: &outputs)
            now += spacing
        }
        return outputs
    }

    func press(_ code: UInt16) -> [InputEvent] { [.key(code, 1), .report(), .key(code, 0), .report()] }

    /// Found by the fuzzer: timestamps at the two ends of the range overflowed the gap's
    /// subtraction (a trap) instead of ending the scan.
    @Test("key times at the ends of the range end the scan instead of trapping")
    func extremeKernelTimesAreAGap() {
        var decoder = EvdevDecoder(keymap: us, scanTimeout: .milliseconds(80))
        var outputs: [EvdevDecoder.Output] = []
        let a: UInt16 = 30
        decoder.feed(InputEvent(type: 1, code: a, value: 1, seconds: Int64.min / 1_000_000_000), now: 1, into: &outputs)
        decoder.feed(InputEvent(type: 1, code: a, value: 0, seconds: Int64.min / 1_000_000_000), now: 2, into: &outputs)
        decoder.feed(InputEvent(type: 1, code: a, value: 1, seconds: Int64.max / 1_000_000_000), now: 3, into: &outputs)
        decoder.feed(InputEvent(type: 1, code: a, value: 0, seconds: Int64.max / 1_000_000_000), now: 4, into: &outputs)
        decoder.reset(into: &outputs)
        #expect(!outputs.isEmpty)
    }

    @Test("Shift types capitals; * from Shift+8; CODE128 text comes back exactly")
    func shiftAndStar() throws {
        let text = "YBVY01-261121-0007-*"
        let events = try ScannerKeystrokes(keymap: us).events(for: text)
        #expect(decode(events) == [.scan(text)])
    }

    @Test("right Shift counts as Shift too")
    func rightShift() {
        let events =
            [InputEvent.key(KeyCode.rightShift, 1)] + press(30) + [.key(KeyCode.rightShift, 0)] + press(30) + press(28)
        #expect(decode(events) == [.scan("Aa")])
    }

    @Test("CapsLock toggles letters only; Shift inverts it")
    func capsLock() {
        let events =
            press(KeyCode.capsLock) + press(30) + press(9) + [.key(KeyCode.leftShift, 1)] + press(30) + press(9)
            + [.key(KeyCode.leftShift, 0)] + press(KeyCode.capsLock) + press(30) + press(28)
        #expect(decode(events) == [.scan("A8a*a")])
    }

    @Test("NumLock: keypad digits type digits when on (the start), nothing when off")
    func numLock() {
        let events =
            press(79) + press(83) + press(KeyCode.numLock) + press(80) + press(83) + press(KeyCode.numLock) + press(81)
            + press(KeyCode.keypadEnter)
        #expect(decode(events) == [.scan("1.3")])
    }

    @Test("Alt + keypad digits types the code point on Alt release (left or right Alt)")
    func altCodes() {
        // ệ = U+1EC7 = 7879; Ữ = U+1EEE = 7918 via right Alt.
        func alt(_ altKey: UInt16, _ digits: [Int]) -> [InputEvent] {
            [.key(altKey, 1)] + digits.flatMap { press(KeyCode.keypadDigits[$0]) } + [.key(altKey, 0), .report()]
        }
        let events =
            press(30) + alt(KeyCode.leftAlt, [7, 8, 7, 9]) + alt(KeyCode.rightAlt, [0, 7, 9, 1, 8]) + press(28)
        #expect(decode(events) == [.scan("a\u{1EC7}\u{1EEE}")])
    }

    @Test("invalid Alt codes type nothing and are reported")
    func invalidAltCodes() {
        func alt(_ digits: [Int]) -> [InputEvent] {
            [.key(KeyCode.leftAlt, 1)] + digits.flatMap { press(KeyCode.keypadDigits[$0]) } + [.key(KeyCode.leftAlt, 0)]
        }
        let events = alt([0]) + alt([5, 5, 2, 9, 6]) + alt([1, 1, 1, 4, 1, 1, 2, 1]) + press(30) + press(28)
        #expect(decode(events) == [.invalidAltCode, .invalidAltCode, .invalidAltCode, .scan("a")])
    }

    @Test("autorepeat (value 2) is ignored, also for modifiers")
    func autorepeat() {
        let events: [InputEvent] = [
            .key(30, 1), .key(30, 2), .key(30, 2), .key(30, 0), .key(KeyCode.leftShift, 2), .key(31, 1), .key(31, 0),
            .key(28, 1),
        ]
        var decoder = EvdevDecoder(keymap: us, scanTimeout: .seconds(1))
        var outputs: [EvdevDecoder.Output] = []
        for event in events { decoder.feed(event, now: 1, into: &outputs) }
        #expect(outputs == [.scan("as")])
        #expect(decoder.ignoredRepeatCount == 3)
    }

    @Test("unknown keys are ignored and reported; Ctrl and Alt combinations type nothing")
    func unknownKeys() {
        let events =
            press(59) + press(30) + press(88) + [.key(KeyCode.leftControl, 1)] + press(31) + [
                .key(KeyCode.leftControl, 0)
            ]
            + [.key(KeyCode.leftAlt, 1)] + press(32) + [.key(KeyCode.leftAlt, 0)] + press(31) + press(28)
        #expect(decode(events) == [.ignoredKey(59), .ignoredKey(88), .ignoredKey(31), .ignoredKey(32), .scan("as")])
    }

    @Test("SYN_DROPPED: events to the next SYN_REPORT are discarded, the scan dropped, modifiers reset")
    func synDropped() {
        let events =
            press(30) + [.key(KeyCode.leftShift, 1), .report(), .dropped(), .key(31, 1), .key(31, 0), .report()]
            + press(32) + press(28) + press(30) + press(28)
        // The Shift press is forgotten: the next scan is lower case.
        #expect(decode(events) == [.dropped(.eventsLost), .scan("a")])
    }

    @Test("a gap longer than the scan timeout ends a scan")
    func gap() {
        var decoder = EvdevDecoder(keymap: us, scanTimeout: .milliseconds(80))
        var outputs: [EvdevDecoder.Output] = []
        let ms: UInt64 = 1_000_000
        for (i, event) in (press(30) + press(31)).enumerated() {
            decoder.feed(event, now: 10 * ms + UInt64(i) * ms, into: &outputs)
        }
        let deadline = decoder.deadline
        // The last key event (the release of S, the 7th event) came at 16 ms.
        #expect(deadline == 16 * ms + 80 * ms)
        decoder.expire(now: 50 * ms, into: &outputs)
        #expect(outputs.isEmpty)
        decoder.expire(now: 97 * ms, into: &outputs)
        #expect(outputs == [.scan("as")])
        #expect(decoder.deadline == nil)
        // A key typed after a long gap by the kernel's clock ends the earlier scan first, even
        // when both were read at the same moment.
        outputs.removeAll()
        func at(_ events: [InputEvent], microseconds: Int64) -> [InputEvent] {
            events.map {
                var e = $0; e.seconds = 5; e.microseconds = microseconds; return e
            }
        }
        for event in at(press(32), microseconds: 200_000) { decoder.feed(event, now: 500 * ms, into: &outputs) }
        for event in at(press(33), microseconds: 400_000) { decoder.feed(event, now: 500 * ms, into: &outputs) }
        for event in at(press(28), microseconds: 401_000) { decoder.feed(event, now: 500 * ms, into: &outputs) }
        #expect(outputs == [.scan("d"), .scan("f")])
    }

    @Test("a reader stall mid-scan does not split it: the gap is judged by the kernel's event time")
    func readerStall() throws {
        // An ID card typed at 7 ms a report; the reader reads the first half, stalls 300 ms,
        // then reads the rest at once (all of it typed in time).
        let text = CaptureSamples.idCard
        let events = try ScannerKeystrokes(keymap: us, stepMicroseconds: 7_000).events(for: text)
        var decoder = EvdevDecoder(keymap: us, scanTimeout: .milliseconds(80))
        var outputs: [EvdevDecoder.Output] = []
        let ms: UInt64 = 1_000_000
        let half = events.count / 2
        for (i, event) in events[..<half].enumerated() {
            decoder.feed(event, now: 1_000 * ms + UInt64(i / 4) * 7 * ms, into: &outputs)
        }
        let stalledUntil = 1_000 * ms + UInt64(half / 4) * 7 * ms + 300 * ms
        for event in events[half...] { decoder.feed(event, now: stalledUntil, into: &outputs) }
        #expect(outputs == [.scan(text)])
    }

    @Test("SYN_DROPPED before the decoder saw any of a scan drops that scan; after a gap the next is fine")
    func synDroppedBeforeScan() {
        func at(_ events: [InputEvent], _ microseconds: Int64) -> [InputEvent] {
            events.map {
                var e = $0; e.seconds = 7; e.microseconds = microseconds; return e
            }
        }
        // The kernel dropped the start of the scan: what follows the drop is its tail.
        let events =
            at([.dropped(), .report()], 1_000) + at(press(31) + press(32) + press(28), 2_000)
            + at(press(30) + press(28), 500_000)
        #expect(decode(events) == [.dropped(.eventsLost), .scan("a")])
    }

    @Test("more than 4096 characters: dropped with the rest up to Enter; the next scan is fine")
    func overlong() {
        var events: [InputEvent] = []
        for _ in 0..<5000 { events += press(30) }
        events += press(28) + press(31) + press(28)
        #expect(decode(events) == [.dropped(.tooLong(characters: 5000)), .scan("s")])
        var exact: [InputEvent] = []
        for _ in 0..<4096 { exact += press(30) }
        #expect(decode(exact + press(28)) == [.scan(String(repeating: "a", count: 4096))])
    }

    @Test("the second layout: de types `*`, `-`, `z` and `@` from its own keys")
    func germanLayout() throws {
        let de = try ScannerRig.keymap("de")
        let text = "YBVY01-261121-0007-* user@zone"
        let events = try ScannerKeystrokes(keymap: de, altCodes: .never).events(for: text)
        #expect(decode(events, keymap: de) == [.scan(text)])
        // The same keys read with the wrong layout give a different text.
        #expect(decode(events, keymap: us) != [.scan(text)])
    }

    @Test("keystrokes: a character the layout lacks is an error without Alt codes")
    func untypable() throws {
        #expect(throws: ScannerKeystrokes.Untypable.self) {
            try ScannerKeystrokes(keymap: us, altCodes: .never).events(for: "Nguyễn")
        }
        let events = try ScannerKeystrokes(keymap: us, altCodes: .whenNeeded).events(for: "ễ", enter: false)
        // Alt down, 7 8 7 7 on the keypad (U+1EC5 = 7877), Alt up: 10 key events, each with MSC and SYN.
        #expect(events.filter(\.isKey).map(\.code) == [56, 71, 71, 72, 72, 71, 71, 71, 71, 56])
    }
}
