import Foundation
import KioskDevices
import Testing

/// Discovery against a fake sysfs and /dev tree in a temporary folder.
@Suite("device discovery")
struct DeviceDiscoveryTests {
    /// Builds: a Honeywell scanner (event3, by-id link), a mouse (event10), a keyboard with no
    /// USB parent (event2), ttyUSB0 (FTDI), ttyACM0 (a Newland scanner in serial mode), ttyS0
    /// (a real UART) and ttyS1 (no UART).
    func fakeTree() throws -> String {
        let root = NSTemporaryDirectory() + "sysfs-" + UUID().uuidString
        let fm = FileManager.default
        func write(_ path: String, _ text: String) throws {
            try fm.createDirectory(
                atPath: (root + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try (text + "\n").write(toFile: root + path, atomically: true, encoding: .utf8)
        }
        func link(_ path: String, _ target: String) throws {
            try fm.createDirectory(
                atPath: (root + path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fm.createSymbolicLink(atPath: root + path, withDestinationPath: target)
        }
        // Keyboard capability: KEY_ENTER (28), KEY_1..KEY_0 (2..11), letters 16..50 → bits in word 0.
        var word: UInt64 = 0
        for bit in [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 28, 30, 44, 16, 50] { word |= 1 << UInt64(bit) }
        let keyboardKeys = "0 " + String(word, radix: 16)
        let usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2"
        try write(usb + "/idVendor", "0c2e")
        try write(usb + "/idProduct", "0b61")
        try write(usb + "/manufacturer", "Honeywell Imaging & Mobility")
        try write(usb + "/product", "1950g")
        let input3 = usb + "/1-2:1.0/0003:0C2E:0B61.0001/input/input7"
        try write(input3 + "/name", "Honeywell Imaging & Mobility 1950g")
        try write(input3 + "/capabilities/key", keyboardKeys)
        try fm.createDirectory(atPath: root + input3 + "/event3", withIntermediateDirectories: true)
        try link(input3 + "/event3/device", "..")
        try link(
            "/sys/class/input/event3",
            "../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:0C2E:0B61.0001/input/input7/event3")
        try link("/dev/input/by-id/usb-Honeywell_Imaging___Mobility_1950g-event-kbd", "../event3")

        let mouseUSB = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3"
        try write(mouseUSB + "/idVendor", "046d")
        try write(mouseUSB + "/idProduct", "c077")
        let input10 = mouseUSB + "/1-3:1.0/input/input12"
        try write(input10 + "/name", "Logitech USB Optical Mouse")
        try write(input10 + "/capabilities/key", "1f0000 0 0 0 0")
        try fm.createDirectory(atPath: root + input10 + "/event10", withIntermediateDirectories: true)
        try link(input10 + "/event10/device", "..")
        try link(
            "/sys/class/input/event10", "../../devices/pci0000:00/0000:00:14.0/usb1/1-3/1-3:1.0/input/input12/event10")

        let input2 = "/sys/devices/platform/i8042/serio0/input/input2"
        try write(input2 + "/name", "AT Translated Set 2 keyboard")
        try write(input2 + "/capabilities/key", keyboardKeys)
        try fm.createDirectory(atPath: root + input2 + "/event2", withIntermediateDirectories: true)
        try link(input2 + "/event2/device", "..")
        try link("/sys/class/input/event2", "../../devices/platform/i8042/serio0/input/input2/event2")

        let ftdi = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4"
        try write(ftdi + "/idVendor", "0403")
        try write(ftdi + "/idProduct", "6001")
        try fm.createDirectory(atPath: root + ftdi + "/1-4:1.0/ttyUSB0/tty/ttyUSB0", withIntermediateDirectories: true)
        try link(ftdi + "/1-4:1.0/ttyUSB0/tty/ttyUSB0/device", "../..")
        try link("/sys/bus/usb-serial/drivers/ftdi_sio", "/dev/null")
        try link(ftdi + "/1-4:1.0/ttyUSB0/driver", "../../../../../../bus/usb-serial/drivers/ftdi_sio")
        try link("/sys/class/tty/ttyUSB0", "../../devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0/ttyUSB0/tty/ttyUSB0")
        try link("/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A1B2C3-if00-port0", "../../ttyUSB0")

        let acm = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-5"
        try write(acm + "/idVendor", "1eab")
        try write(acm + "/idProduct", "1d06")
        try fm.createDirectory(atPath: root + acm + "/1-5:1.0/tty/ttyACM0", withIntermediateDirectories: true)
        try link(acm + "/1-5:1.0/tty/ttyACM0/device", "../..")
        try link("/sys/class/tty/ttyACM0", "../../devices/pci0000:00/0000:00:14.0/usb1/1-5/1-5:1.0/tty/ttyACM0")

        try write("/sys/devices/pnp0/00:00/tty/ttyS0/type", "4")
        try write("/sys/devices/platform/serial8250/tty/ttyS1/type", "0")
        try link("/sys/class/tty/ttyS0", "../../devices/pnp0/00:00/tty/ttyS0")
        try link("/sys/class/tty/ttyS1", "../../devices/platform/serial8250/tty/ttyS1")
        try link("/sys/class/tty/tty0", "../../devices/virtual/tty/tty0")
        return root
    }

    @Test("input devices: names, USB ids via the parent chain, by-id links, which look like scanners and why")
    func inputDevices() throws {
        let root = try fakeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let devices = DeviceDiscovery(sysfsRoot: root + "/sys", devRoot: root + "/dev").inputDevices()
        #expect(devices.map(\.event) == ["event2", "event3", "event10"])
        let scanner = devices[1]
        #expect(scanner.name == "Honeywell Imaging & Mobility 1950g")
        #expect(scanner.vendorId == "0c2e" && scanner.productId == "0b61")
        #expect(scanner.product == "1950g")
        #expect(scanner.byIdLinks == [root + "/dev/input/by-id/usb-Honeywell_Imaging___Mobility_1950g-event-kbd"])
        #expect(scanner.isKeyboard && scanner.looksLikeScanner)
        #expect(scanner.reasons.contains("USB vendor 0c2e is Honeywell (Metrologic)"))
        #expect(
            scanner.udevRule
                == #"SUBSYSTEM=="input", KERNEL=="event*", ATTRS{idVendor}=="0c2e", ATTRS{idProduct}=="0b61", ENV{ID_INPUT_KEYBOARD}=="1", ENV{KIOSK_ROLE}="scanner""#
        )
        #expect(devices[0].isKeyboard && !devices[0].looksLikeScanner && devices[0].vendorId == nil)
        #expect(
            devices[0].udevRule
                == #"SUBSYSTEM=="input", KERNEL=="event2", ENV{ID_INPUT_KEYBOARD}=="1", ENV{KIOSK_ROLE}="scanner""#)
        #expect(!devices[2].isKeyboard && !devices[2].looksLikeScanner && devices[2].vendorId == "046d")
    }

    @Test("serial ports: ttyUSB, ttyACM, and ttyS only with a real UART; udev rules")
    func serialPorts() throws {
        let root = try fakeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let ports = DeviceDiscovery(sysfsRoot: root + "/sys", devRoot: root + "/dev").serialPorts()
        #expect(ports.map(\.name) == ["ttyACM0", "ttyS0", "ttyUSB0"])
        let acm = ports[0]
        #expect(acm.vendorId == "1eab" && acm.looksLikeScanner)
        #expect(acm.udevRule?.hasSuffix(#"ENV{KIOSK_ROLE}="scanner""#) == true)
        let ftdi = ports[2]
        #expect(ftdi.vendorId == "0403" && ftdi.productId == "6001" && !ftdi.looksLikeScanner)
        #expect(ftdi.driver == "ftdi_sio")
        #expect(ftdi.byIdLinks == [root + "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A1B2C3-if00-port0"])
        #expect(
            ftdi.udevRule
                == #"SUBSYSTEM=="tty", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", ENV{KIOSK_ROLE}="printer""#
        )
        #expect(ports[1].udevRule == #"SUBSYSTEM=="tty", KERNEL=="ttyS0", ENV{KIOSK_ROLE}="printer""#)
    }

    @Test("a missing sysfs gives empty lists, not a crash")
    func missingRoot() {
        let discovery = DeviceDiscovery(sysfsRoot: "/nonexistent", devRoot: "/nonexistent")
        #expect(discovery.inputDevices().isEmpty && discovery.serialPorts().isEmpty)
    }
}
