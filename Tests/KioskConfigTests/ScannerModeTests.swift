import KioskConfig
import Testing

/// `[Scanner] Mode=` takes the HID-POS mode, and says so when a value is wrong.
@Suite struct ScannerModeTests {
    @Test func hidposIsAMode() throws {
        let config = try KioskConfiguration.parse(
            text: minimalConfig("[Scanner]\nDevice=/dev/hidraw0\nMode=hidpos\n"), file: "/etc/kiosk/kiosk.conf")
        #expect(config.scanner.mode == .hidpos)
        #expect(config.scanner.device == "/dev/hidraw0")
    }

    @Test func aWrongModeListsHIDPOS() {
        let found = kioskDiagnostics(minimalConfig("[Scanner]\nMode=hid-pos\n"))
        #expect(found.count == 1)
        #expect(found.first?.message.hasPrefix("not one of evdev, serial, hidpos") == true, "\(found)")
    }
}
