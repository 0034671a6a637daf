import Foundation
import KioskTestSupport
import Testing

/// `kioskctl devices`: rule lines in the form the shipped 60-kiosk.rules reads, written to
/// 60-kiosk-local.rules, and checked with the rules simulator CI uses (.ci/udev-rules.awk).
@Suite struct KioskctlDevicesTests {
    /// An Opticon scanner (a maker the shipped rules do not list) with a keyboard node and a
    /// second, non-keyboard node, and an unknown USB-serial adapter (ttyUSB0).
    static func fakeTree() throws -> String {
        let root = NSTemporaryDirectory() + "kioskctl-sysfs-" + UUID().uuidString
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
        var word: UInt64 = 0
        for bit in [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 28, 30, 44, 16, 50] { word |= 1 << UInt64(bit) }
        let usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2"
        try write(usb + "/idVendor", "065a")
        try write(usb + "/idProduct", "0001")
        try write(usb + "/product", "Opticon USB Barcode Reader")
        let input = usb + "/1-2:1.0/0003:065A:0001.0001/input/input7"
        try write(input + "/name", "Opticon USB Barcode Reader")
        try write(input + "/capabilities/key", "0 " + String(word, radix: 16))
        try fm.createDirectory(atPath: root + input + "/event3", withIntermediateDirectories: true)
        try link(input + "/event3/device", "..")
        try link(
            "/sys/class/input/event3",
            "../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/0003:065A:0001.0001/input/input7/event3")
        let adapter = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-4"
        try write(adapter + "/idVendor", "1234")
        try write(adapter + "/idProduct", "5678")
        try fm.createDirectory(
            atPath: root + adapter + "/1-4:1.0/ttyUSB0/tty/ttyUSB0", withIntermediateDirectories: true)
        try link(adapter + "/1-4:1.0/ttyUSB0/tty/ttyUSB0/device", "../..")
        try link(
            "/sys/class/tty/ttyUSB0", "../../devices/pci0000:00/0000:00:14.0/usb1/1-4/1-4:1.0/ttyUSB0/tty/ttyUSB0")
        return root
    }

    /// What the shipped rules make of a device, with the local rules read first (awk, run
    /// off the concurrency pool).
    static func simulate(_ device: String, local: String) async throws -> String {
        try await ToolRun.run(
            "/usr/bin/awk",
            [
                "-v", "mode=simulate", "-v", "device=" + device, "-f", KioskdRepository.path + "/.ci/udev-rules.awk",
                local, KioskdRepository.path + "/Hardware/udev/60-kiosk.rules",
            ]
        ).output
    }

    @Test func devicesPrintsAndWritesRulesTheShippedRulesRead() async throws {
        let root = try Self.fakeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let listing = try await Kioskctl.run(["devices", "--sysfs", root + "/sys", "--dev", root + "/dev"])
        #expect(listing.status == 0)
        let scannerRule =
            #"SUBSYSTEM=="input", KERNEL=="event*", ATTRS{idVendor}=="065a", ATTRS{idProduct}=="0001", ENV{ID_INPUT_KEYBOARD}=="1", ENV{KIOSK_ROLE}="scanner""#
        let printerRule =
            #"SUBSYSTEM=="tty", ATTRS{idVendor}=="1234", ATTRS{idProduct}=="5678", ENV{KIOSK_ROLE}="printer""#
        #expect(listing.output.contains("rule:  " + scannerRule), "\(listing.output)")
        #expect(listing.output.contains("rule:  " + printerRule))
        #expect(listing.output.contains("60-kiosk-local.rules"))
        #expect(!listing.output.contains("SYMLINK"))

        let local = root + "/60-kiosk-local.rules"
        try "# mine\nSUBSYSTEM==\"tty\", KERNEL==\"ttyS0\", ENV{KIOSK_ROLE}=\"none\"\n".write(
            toFile: local, atomically: true, encoding: .utf8)
        let written = try await Kioskctl.run([
            "devices", "--sysfs", root + "/sys", "--dev", root + "/dev", "--write-rules", local,
        ])
        #expect(written.status == 0, "\(written.errors)")
        #expect(written.output.contains("udevadm control --reload && udevadm trigger"))
        let lines = try String(contentsOfFile: local, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first == "# mine")  // the technician's own lines stay
        #expect(lines.contains(scannerRule) && lines.contains(printerRule))
        // Written twice: nothing is repeated.
        _ = try await Kioskctl.run([
            "devices", "--sysfs", root + "/sys", "--dev", root + "/dev", "--write-rules", local,
        ])
        #expect(try String(contentsOfFile: local, encoding: .utf8).split(separator: "\n").count == lines.count)

        // The shipped rules turn them into the links: the scanner's keyboard node only.
        let keyboard = try await Self.simulate(
            "SUBSYSTEM=input;KERNEL=event3;ACTION=add;ATTRS{idVendor}=065a;ATTRS{idProduct}=0001;ENV{ID_INPUT_KEYBOARD}=1",
            local: local)
        #expect(keyboard.contains("links=kiosk-scanner"), "\(keyboard)")
        let otherNode = try await Self.simulate(
            "SUBSYSTEM=input;KERNEL=event4;ACTION=add;ATTRS{idVendor}=065a;ATTRS{idProduct}=0001", local: local)
        #expect(!otherNode.contains("kiosk-scanner"), "\(otherNode)")
        let printer = try await Self.simulate(
            "SUBSYSTEM=tty;KERNEL=ttyUSB0;ACTION=add;ATTRS{idVendor}=1234;ATTRS{idProduct}=5678", local: local)
        #expect(printer.contains("links=kiosk-printer"), "\(printer)")
    }

    @Test func aBadOutputPathIsATechniciansError() async throws {
        let result = try await Kioskctl.run([
            "print-catalog", "--config", KioskdRepository.path + "/Hardware/examples/kiosk.dev.conf", "--png",
            "/nonexistent-folder/catalog.png",
        ])
        #expect(result.status == 1)
        #expect(result.errors.contains("cannot write the catalog sheet (PNG) to /nonexistent-folder/catalog.png"))
        #expect(result.errors.contains("the folder does not exist"))
        #expect(!result.errors.contains("NSCocoaErrorDomain"))
    }
}
