// Fuzz target `keymap-parser`: the keymap file parser (KioskDevices' Keymap*.swift). Built by
// .ci/fuzz.sh with `swiftc -sanitize=fuzzer`; not part of the SwiftPM build.

@testable import KioskDevices

func fuzzKeymapParser(_ bytes: UnsafeRawBufferPointer) {
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let keymap = try Keymap.parse(text, file: "fuzz.keymap")
        // Every defined key answers, and reverse lookups stay consistent.
        for code in keymap.keyCodes {
            for shift in [false, true] {
                if let scalar = keymap.character(for: code, shift: shift, capsLock: false, altGr: false) {
                    guard keymap.keystroke(for: scalar) != nil else { fatalError("a typed character has no keystroke") }
                }
            }
        }
    } catch {
        guard error.line != nil || error.message == "defines no keys" else {
            fatalError("error without a line: \(error)")
        }
    }
}
