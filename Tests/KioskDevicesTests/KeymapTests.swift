import CKioskShim
import KioskDevices
import Testing

@Suite("Keymap files")
struct KeymapTests {
    @Test("us.keymap: letters, Shift, CapsLock on letters only, keypad")
    func usLayout() throws {
        let us = try ScannerRig.keymap("us")
        #expect(us.name == "us")
        #expect(us.character(for: 30, shift: false, capsLock: false, altGr: false) == "a")
        #expect(us.character(for: 30, shift: true, capsLock: false, altGr: false) == "A")
        #expect(us.character(for: 30, shift: false, capsLock: true, altGr: false) == "A")
        #expect(us.character(for: 30, shift: true, capsLock: true, altGr: false) == "a")
        // CapsLock does not touch digits: Shift+8 is `*` (a tracking code's check character).
        #expect(us.character(for: 9, shift: false, capsLock: true, altGr: false) == "8")
        #expect(us.character(for: 9, shift: true, capsLock: true, altGr: false) == "*")
        #expect(us.character(for: 57, shift: false, capsLock: false, altGr: false) == " ")
        #expect(us.character(for: 79, shift: false, capsLock: false, altGr: false) == "1")
        #expect(us.entry(for: 28) == nil)
    }

    @Test("de.keymap: QWERTZ, umlauts follow CapsLock, AltGr column, * on Shift+KEY_RIGHTBRACE")
    func germanLayout() throws {
        let de = try ScannerRig.keymap("de")
        #expect(de.character(for: 21, shift: false, capsLock: false, altGr: false) == "z")  // KEY_Y
        #expect(de.character(for: 44, shift: false, capsLock: false, altGr: false) == "y")  // KEY_Z
        #expect(de.character(for: 40, shift: false, capsLock: true, altGr: false) == "Ä")
        #expect(de.character(for: 27, shift: true, capsLock: false, altGr: false) == "*")
        #expect(de.character(for: 16, shift: false, capsLock: false, altGr: true) == "@")
        #expect(de.character(for: 53, shift: false, capsLock: false, altGr: false) == "-")
        let stroke = try #require(de.keystroke(for: "|"))
        #expect(stroke.code == 86 && stroke.altGr && !stroke.shift)
    }

    @Test(
        "errors name the file and line",
        arguments: [
            ("KEY_A a A\nKEY_FOO x", 2, "unknown key name KEY_FOO"),
            ("KEY_A a A\n\n# c\nKEY_A b B", 4, "KEY_A is already defined on line 1"),
            ("KEY_A ab A", 1, "not one character"),
            ("KEY_A", 1, "found 1 field"),
            ("KEY_A a A b c", 1, "found 5 field"),
            ("999 a", 1, "not between 1 and"),
            ("KEY_A U+D800", 1, "not a Unicode code point"),
            ("KEY_A U+0007", 1, "control character"),
            ("KEY_A none none", 1, "no character at all"),
        ])
    func errors(text: String, line: Int, message: String) {
        #expect(throws: KeymapError.self) { try Keymap.parse(text, file: "x.keymap") }
        do {
            _ = try Keymap.parse(text, file: "x.keymap")
        } catch {
            #expect(error.line == line)
            #expect(error.description.hasPrefix("x.keymap:\(line): "))
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("an empty file and a missing keymap are errors")
    func emptyAndMissing() {
        #expect(throws: KeymapError(file: "e.keymap", message: "defines no keys")) {
            try Keymap.parse("# nothing\n", file: "e.keymap")
        }
        #expect(throws: KeymapError.self) {
            try Keymap.load(named: "xx", in: [ScannerRig.repositoryRoot + "/Hardware/keymaps"])
        }
        #expect(throws: KeymapError.self) {
            try Keymap.load(named: "../us", in: [ScannerRig.repositoryRoot + "/Hardware/keymaps"])
        }
    }

    @Test("numbers, hex numbers, U+ and space tokens")
    func tokens() throws {
        let map = try Keymap.parse("30 a A\n0x1f s S\nKEY_E e E U+20AC\nKEY_SPACE space\n", file: "t.keymap")
        #expect(map.keyCodes == [18, 30, 31, 57])
        #expect(map.character(for: 18, shift: false, capsLock: false, altGr: true) == "€")
        #expect(map.character(for: 57, shift: true, capsLock: false, altGr: false) == nil)
    }

    @Test("key names match linux/input-event-codes.h")
    func keyNames() {
        #expect(KeyCodeName.code(named: "KEY_A") == UInt16(KEY_A))
        #expect(KeyCodeName.code(named: "KEY_ENTER") == UInt16(KEY_ENTER))
        #expect(KeyCodeName.code(named: "KEY_KP7") == UInt16(KEY_KP7))
        #expect(KeyCodeName.code(named: "KEY_102ND") == UInt16(KEY_102ND))
        #expect(KeyCodeName.code(named: "KEY_RIGHTALT") == UInt16(KEY_RIGHTALT))
        #expect(KeyCodeName.code(named: "A") == 30)
        #expect(KeyCodeName.name(of: 28) == "KEY_ENTER")
        #expect(
            KeyCode.keypadDigits.map(Int32.init) == [
                KEY_KP0, KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP4, KEY_KP5, KEY_KP6, KEY_KP7, KEY_KP8, KEY_KP9,
            ])
        #expect(Int32(KeyCode.numLock) == KEY_NUMLOCK && Int32(KeyCode.capsLock) == KEY_CAPSLOCK)
        #expect(Int32(KeyCode.keypadEnter) == KEY_KPENTER && Int32(KeyCode.rightShift) == KEY_RIGHTSHIFT)
    }
}

@Suite("evdev ioctl numbers and record layout")
struct EvdevABITests {
    #if arch(x86_64)
        @Test("ioctl numbers pinned on x86-64")
        func ioctlNumbers() {
            #expect(kiosk_EVIOCGRAB() == 0x4004_4590)
            #expect(kiosk_EVIOCGID() == 0x8008_4502)
            #expect(kiosk_EVIOCGNAME(256) == 0x8100_4506)
            #expect(kiosk_EVIOCGKEY(96) == 0x8060_4518)
        }

        @Test("input_event is 24 bytes on x86-64, fields where the kernel puts them")
        func recordLayout() {
            #expect(InputEvent.recordSize == 24)
            let bytes = InputEvent(type: 1, code: 30, value: 2, seconds: 7, microseconds: 9).record
            #expect(bytes[0] == 7 && bytes[8] == 9 && bytes[16] == 1 && bytes[18] == 30 && bytes[20] == 2)
        }
    #endif

    @Test("records round-trip and reassemble across any split")
    func reassembly() {
        let events = (0..<20).map { InputEvent.key(UInt16($0 + 1), Int32($0 % 3), seconds: Int64($0), microseconds: 5) }
        let bytes = InputEvent.records(events)
        #expect(InputEvent.events(inRecords: bytes) == events)
        for chunk in [1, 5, 23, 24, 25, 47, 100] {
            var buffer = InputEventRecordBuffer()
            var out: [InputEvent] = []
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunk)
                bytes[offset..<end].withUnsafeBytes { buffer.append($0) { out.append($0) } }
                offset = end
            }
            #expect(out == events, "chunk \(chunk)")
            #expect(buffer.pendingByteCount == 0)
        }
    }
}
