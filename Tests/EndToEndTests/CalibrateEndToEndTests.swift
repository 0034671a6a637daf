import Foundation
import KioskDevices
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskctl calibrate` on the emulated printer: an Epson TM-T20III (CP1258 at page 52, marks
/// composed) configured as `generic-80mm` (no Vietnamese page known). The technician scans,
/// with the kiosk's HID-POS scanner, the barcode of the line that reads right, the cut and the
/// buzzer answer; the local profile is written, `config check` shows it, and the next intake
/// prints the citizen's name through page 52 instead of as user-defined characters or an image.
@Suite(.serialized) struct CalibrateEndToEndTests {
    @Test func calibrationScansWriteTheLocalProfileAndTheNextIntakeUsesIt() async throws {
        let kiosk = try KioskdProcess(profile: "epson-tm-t20iii", scannerMode: "hidpos", baud: 38400)
        let config = try String(contentsOfFile: kiosk.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "Profile=epson-tm-t20iii", with: "Profile=generic-80mm")
            .write(toFile: kiosk.configPath, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            atPath: kiosk.directory.path + "/state", withIntermediateDirectories: true)
        let scanner = try HIDPOSScannerFIFO(path: kiosk.directory.path + "/scanner")
        func scan(_ text: String) {
            #expect(scanner.scan(text))
        }

        let calibration = Task {
            try await KioskctlEndToEndTests.kioskctl(["calibrate", "--config", kiosk.configPath])
        }
        // The sheet: three pieces (it cuts after each cut candidate and at its end).
        let sheet = await kiosk.printer.waitForReceipts(count: 3, timeout: .seconds(120))
        #expect(sheet.count == 3)
        let transcript = sheet.map(\.rendered.transcript).joined(separator: "\n")
        #expect(transcript.contains("CAL:T:CP1258-52-C"), "\(transcript)")
        scan("CAL:T:CP1258-52-C")
        scan("CAL:CUT:partial")
        scan("CAL:BUZ:no")
        let outcome = try await calibration.value
        #expect(outcome.status == 0, "\(outcome.errors)")
        let file = kiosk.directory.path + "/state/printer.local.conf"
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(
            written.contains("CP1258=52") && written.contains("CP1258Composes=yes") && written.contains("Cut=partial"))
        let confirmation = await kiosk.printer.waitForReceipts(count: 4, timeout: .seconds(60))
        #expect(confirmation.last?.text.contains("PRINTER CALIBRATED") == true)

        let check = try await KioskctlEndToEndTests.kioskctl(["config", "check", kiosk.configPath])
        #expect(check.output.contains("calibrated on site, \(file)"), "\(check.output)\(check.errors)")

        // The next intake prints with it: the name through code page 52.
        try kiosk.start()
        #expect(await kiosk.waitForLog("scanner ok"))
        let handled = { kiosk.log.filter { $0.contains("scan handled") || $0.contains("scan refused") }.count }
        for text in ["001095012345||Trần Văn Đức|14031995|Nam|Xã Đông Cuông, tỉnh Lào Cai|01022021", "1.001234"] {
            let before = handled()
            scan(text)
            let deadline = ContinuousClock.now + .seconds(60)
            while handled() == before, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        }
        let receipts = await kiosk.printer.waitForReceipts(count: 5, timeout: .seconds(60))
        let receipt = receipts.last?.rendered.transcript ?? ""
        // The applicant's line of the national form, printed through the calibrated page.
        let nameLine = receipt.split(separator: "\n").first { $0.contains("Tiếp nhận hồ sơ của: Trần Văn Đức") }
        #expect(nameLine?.contains("[code page 52]") == true, "\(receipt)")
        await kiosk.stop()
    }
}
