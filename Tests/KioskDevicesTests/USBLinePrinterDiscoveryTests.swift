import Foundation
import Testing

@testable import KioskDevices

/// `kioskctl devices` lists usblp printers with the USB ids of the device above them.
@Suite struct USBLinePrinterDiscoveryTests {
    @Test func usbLinePrinterIsListedWithItsUSBIds() throws {
        let root = NSTemporaryDirectory() + "usblp-sysfs-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let fm = FileManager.default
        let usbDevice = root + "/sys/devices/pci0000:00/usb1/1-1"
        let interface = usbDevice + "/1-1:1.0"
        try fm.createDirectory(atPath: interface + "/usbmisc/lp0", withIntermediateDirectories: true)
        try "04b8\n".write(toFile: usbDevice + "/idVendor", atomically: true, encoding: .utf8)
        try "0202\n".write(toFile: usbDevice + "/idProduct", atomically: true, encoding: .utf8)
        try "EPSON\n".write(toFile: usbDevice + "/manufacturer", atomically: true, encoding: .utf8)
        try "TM-T20III\n".write(toFile: usbDevice + "/product", atomically: true, encoding: .utf8)
        try fm.createDirectory(atPath: root + "/sys/class/usbmisc", withIntermediateDirectories: true)
        try fm.createSymbolicLink(
            atPath: root + "/sys/class/usbmisc/lp0", withDestinationPath: interface + "/usbmisc/lp0")
        try fm.createSymbolicLink(atPath: interface + "/usbmisc/lp0/device", withDestinationPath: interface)
        let found = DeviceDiscovery(sysfsRoot: root + "/sys", devRoot: root + "/dev").usbLinePrinters()
        #expect(found.count == 1)
        #expect(found.first?.devicePath == root + "/dev/usb/lp0")
        #expect(found.first?.vendorId == "04b8" && found.first?.productId == "0202")
        #expect(found.first?.product == "TM-T20III")
        #expect(found.first?.udevRule?.contains("SUBSYSTEM==\"usbmisc\"") == true)
    }
}
