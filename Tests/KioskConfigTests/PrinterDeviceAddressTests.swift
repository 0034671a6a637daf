import Testing

@testable import KioskConfig

/// `[Printer] Device=` may be a network printer or a forced USB printer class: those are
/// addresses, not paths to resolve against kiosk.conf's directory.
@Suite struct PrinterDeviceAddressTests {
    @Test(arguments: ["tcp://192.0.2.10:9100", "usblp:/dev/kiosk-printer", "/dev/usb/lp0"])
    func deviceIsKeptAsWritten(device: String) throws {
        let config = try KioskConfiguration.parse(
            text: minimalConfig("[Printer]\nDevice=\(device)\n"), file: "/etc/kiosk/kiosk.conf")
        #expect(config.printer.device == device)
    }

    @Test func relativePathStillResolves() throws {
        let config = try KioskConfiguration.parse(
            text: minimalConfig("[Printer]\nDevice=printer\n"), file: "/etc/kiosk/kiosk.conf")
        #expect(config.printer.device == "/etc/kiosk/printer")
    }
}
