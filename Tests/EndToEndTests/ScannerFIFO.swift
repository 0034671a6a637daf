import Foundation
import KioskDevices
import KioskEmulators

#if canImport(Glibc)
    import Glibc
#endif

/// The scanner stand-in: a FIFO at the configured `[Scanner] Device=` fed with the
/// `struct input_event` records a keyboard-wedge scanner would send.
final class ScannerFIFO {
    let path: String
    private let fd: Int32
    private let keystrokes: ScannerKeystrokes

    init(path: String) throws {
        self.path = path
        guard mkfifo(path, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // Read-write, so opening never blocks and the reader never sees end-of-file between scans.
        fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        let keymap = try Keymap.load(path: KioskdProcess.repository + "/Hardware/keymaps/us.keymap")
        // Vietnamese letters (and control characters) as Alt + keypad codes, as scanners send them.
        keystrokes = ScannerKeystrokes(keymap: keymap, altCodes: .whenNeeded)
    }

    /// Types `text` and Enter.
    func scan(_ text: String) throws {
        let bytes = InputEvent.records(try keystrokes.events(for: text))
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            guard n > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            offset += n
        }
    }

    deinit { close(fd) }
}
