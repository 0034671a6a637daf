import ESCPOS
import Foundation
import KioskDevices
import KioskEmulators
import KioskStore

/// A temporary folder with an emulated printer published at `folder/printer`, and a link to it
/// with short timeouts.
package final class PrinterRig: Sendable {
    package let folder: String
    package let emulator: EmulatedPrinter
    package let link: PrinterLink
    package let profile: PrinterProfile

    package init(
        profile: PrinterProfile = PrinterRig.epson, flowControl: SerialPortSettings.FlowControl = .rtscts,
        asksStatus: Bool = true, writeMargin: Duration = .seconds(3),
        minimumBackoff: Duration = .milliseconds(20), maximumBackoff: Duration = .milliseconds(200),
        printAllowance: Duration = .seconds(5), automaticStatusBack: Bool = false
    ) throws {
        folder = NSTemporaryDirectory() + "printer-rig-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        self.profile = profile
        emulator = try EmulatedPrinter(profile: profile, devicePath: folder + "/printer")
        link = PrinterLink(
            configuration: PrinterLinkConfiguration(
                devicePath: folder + "/printer",
                serial: SerialPortSettings(baudRate: .b115200, flowControl: flowControl),
                asksStatus: asksStatus, statusTimeout: .milliseconds(200), settleAfterJob: .milliseconds(60),
                minimumBackoff: minimumBackoff, maximumBackoff: maximumBackoff, idleCheckInterval: .seconds(600),
                writeMargin: writeMargin, printAllowance: printAllowance, automaticStatusBack: automaticStatusBack,
                // Tests count the status requests and bytes on the wire: neither a pushed status
                // expiring nor an idle check may add a request while a loaded machine stalls the
                // test (a slow fsync held one 30 s, and its idle check ate the bytes a test
                // counted); production keeps 15 s and 5 s.
                pushedStatusLifetime: .seconds(600)))
    }

    package func shutDown() async {
        await link.stop()
        await emulator.stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// An emulator alone (no link opening the device), in a new temporary folder.
    package static func emulatorOnly() throws -> (folder: String, emulator: EmulatedPrinter) {
        let folder = NSTemporaryDirectory() + "printer-rig-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return (folder, try EmulatedPrinter(profile: epson, devicePath: folder + "/printer"))
    }

    /// The rig's store; each call is a new opening (a new `printSession`), as a restarted
    /// kioskd would be.
    package func openStore() throws -> KioskStore { try KioskStore(path: folder + "/kiosk.sqlite") }

    package static let epson: PrinterProfile = {
        // The repository's profile file, read from the package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        return (try? PrinterProfile.load(named: "epson-tm-t20iii", from: root + "/Hardware/printers"))
            ?? PrinterProfile(
                name: "epson", model: "Epson", paperWidthDots: 576, columnsFontA: 48, columnsFontB: 64,
                codePages: [.cp437: 0, .tcvn3Lower: 30, .tcvn3Upper: 31, .cp1258: 52], nativeQR: true)
    }()

    /// A receipt with Vietnamese text, a barcode and a QR code.
    package static func receipt(name: String = "Nguyễn Thị Ánh Tuyết", code: String = "YBVY01-261121-0007-K")
        -> ReceiptDocument
    {
        ReceiptDocument([
            .text("GIẤY TIẾP NHẬN HỒ SƠ", TextStyle(bold: true, alignment: .center)),
            .text("Mã hồ sơ: " + code, .plain),
            .text("Người nộp: " + name, .plain),
            .text("Địa chỉ: Số 12 đường Điện Biên Phủ, phường Đống Đa, TP Quy Nhơn", .plain),
            .barcode(code),
            .qr(code),
            .feed(1),
            .cut,
        ])
    }
}
