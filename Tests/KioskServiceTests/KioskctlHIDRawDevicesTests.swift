import Foundation
import KioskDevices
import Testing

/// `kioskctl devices` tells which hidraw devices speak HID-POS, from the report descriptor in
/// sysfs, and writes the rule line the shipped rules turn into /dev/kiosk-scanner.
@Suite struct KioskctlHIDRawDevicesTests {
    /// HID-POS scanner (page 0x8C, report 2: count, symbology, 56 data bytes, continuation).
    static let scannerDescriptor: [UInt8] = [
        0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x09, 0x12, 0xA1, 0x02, 0x85, 0x02, 0x15, 0x00, 0x26, 0xFF, 0x00,
        0x75, 0x08, 0x95, 0x01, 0x05, 0x01, 0x09, 0x3B, 0x81, 0x02, 0x95, 0x03, 0x05, 0x8C, 0x09, 0xFB, 0x09,
        0xFC, 0x09, 0xFD, 0x81, 0x02, 0x95, 0x38, 0x09, 0xFE, 0x82, 0x02, 0x01, 0x25, 0x01, 0x75, 0x01, 0x95,
        0x08, 0x09, 0xFF, 0x81, 0x02, 0xC0, 0xC0,
    ]
    /// The USB HID boot keyboard's descriptor.
    static let keyboardDescriptor: [UInt8] = [
        0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25, 0x01,
        0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75, 0x08, 0x81, 0x01, 0xC0,
    ]

    /// sysfs with hidraw0 (a Honeywell in HID-POS mode) and hidraw1 (a Zebra in keyboard mode).
    static func fakeTree() throws -> String {
        let root = NSTemporaryDirectory() + "hidraw-sysfs-" + UUID().uuidString
        let fm = FileManager.default
        func add(_ name: String, usb: String, vendor: String, product: String, hidName: String, descriptor: [UInt8])
            throws
        {
            let usbDevice = root + "/sys/devices/pci0000:00/usb1/" + usb
            let hid = usbDevice + "/\(usb):1.0/0003:\(vendor.uppercased()):\(product.uppercased()).0001"
            try fm.createDirectory(atPath: hid + "/hidraw/" + name, withIntermediateDirectories: true)
            try (vendor + "\n").write(toFile: usbDevice + "/idVendor", atomically: true, encoding: .utf8)
            try (product + "\n").write(toFile: usbDevice + "/idProduct", atomically: true, encoding: .utf8)
            try Data(descriptor).write(to: URL(fileURLWithPath: hid + "/report_descriptor"))
            try "DRIVER=hid-generic\nHID_NAME=\(hidName)\n".write(
                toFile: hid + "/uevent", atomically: true, encoding: .utf8)
            try fm.createDirectory(atPath: root + "/sys/class/hidraw", withIntermediateDirectories: true)
            try fm.createSymbolicLink(
                atPath: root + "/sys/class/hidraw/" + name, withDestinationPath: hid + "/hidraw/" + name)
            try fm.createSymbolicLink(atPath: hid + "/hidraw/" + name + "/device", withDestinationPath: hid)
        }
        try add(
            "hidraw0", usb: "1-2", vendor: "0c2e", product: "0b87", hidName: "Honeywell Imaging & Mobility 1950g",
            descriptor: scannerDescriptor)
        try add(
            "hidraw1", usb: "1-3", vendor: "05e0", product: "1200", hidName: "Symbol Bar Code Scanner",
            descriptor: keyboardDescriptor)
        return root
    }

    @Test func devicesTellsWhichHIDDevicesSpeakHIDPOS() async throws {
        let root = try Self.fakeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let found = DeviceDiscovery(sysfsRoot: root + "/sys", devRoot: root + "/dev").hidrawDevices()
        #expect(found.map(\.name) == ["hidraw0", "hidraw1"])
        #expect(found.map(\.speaksHIDPOS) == [true, false])
        #expect(found.first?.hidName == "Honeywell Imaging & Mobility 1950g")
        #expect(found.last?.verdict?.contains("Generic Desktop Keyboard") == true)

        let listing = try await Kioskctl.run(["devices", "--sysfs", root + "/sys", "--dev", root + "/dev"])
        #expect(listing.status == 0)
        let rule =
            #"SUBSYSTEM=="hidraw", ATTRS{idVendor}=="0c2e", ATTRS{idProduct}=="0b87", ENV{KIOSK_ROLE}="scanner""#
        #expect(
            listing.output.contains(
                root + "/dev/hidraw0 USB 0c2e:0b87 \"Honeywell Imaging & Mobility 1950g\"  <- HID-POS barcode scanner"),
            "\(listing.output)")
        #expect(listing.output.contains("rule:  " + rule))
        #expect(listing.output.contains("why not: not a HID-POS scanner"))
        let json = try await Kioskctl.run(["devices", "--json", "--sysfs", root + "/sys", "--dev", root + "/dev"])
        #expect(json.output.contains("\"speaksHIDPOS\":true") || json.output.contains("\"speaksHIDPOS\" : true"))

        let local = root + "/60-kiosk-local.rules"
        let written = try await Kioskctl.run([
            "devices", "--sysfs", root + "/sys", "--dev", root + "/dev", "--write-rules", local,
        ])
        #expect(written.status == 0, "\(written.errors)")
        let lines = try String(contentsOfFile: local, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.contains(rule))
        #expect(!lines.contains { $0.contains("05e0") })
        // The shipped rules give the HID-POS node the scanner link.
        let hidraw = try await KioskctlDevicesTests.simulate(
            "SUBSYSTEM=hidraw;KERNEL=hidraw0;ACTION=add;ATTRS{idVendor}=0c2e;ATTRS{idProduct}=0b87", local: local)
        #expect(hidraw.contains("links=kiosk-scanner"), "\(hidraw)")
    }
}
