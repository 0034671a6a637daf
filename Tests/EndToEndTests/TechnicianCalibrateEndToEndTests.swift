import Foundation
import KioskDevices
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `KIOSK:CALIBRATE` scanned at the running kioskd, on the emulated printer: an Epson TM-T20III
/// (CP1258 at page 52, marks composed) configured as `generic-80mm` (no Vietnamese page known,
/// so Vietnamese goes as user-defined characters). The sheet prints; the technician scans, with
/// the kiosk's HID-POS scanner, the barcodes of the line that reads right, the cut and the
/// buzzer answer; kioskd writes `STATE/printer.local.conf`, switches to it without a restart
/// and prints the confirmation with it; `config check` shows it; the next intake's receipt
/// bytes select page 52 and download no characters.
@Suite(.serialized) struct TechnicianCalibrateEndToEndTests {
    @Test func calibrateCodeAtTheRunningKioskSwitchesTheProfileWithoutARestart() async throws {
        let kiosk = try KioskdProcess(profile: "epson-tm-t20iii", scannerMode: "hidpos", baud: 115200)
        let config = try String(contentsOfFile: kiosk.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "Profile=epson-tm-t20iii", with: "Profile=generic-80mm")
            .write(toFile: kiosk.configPath, atomically: true, encoding: .utf8)
        let scanner = try HIDPOSScannerFIFO(path: kiosk.directory.path + "/scanner")
        let answered = { kiosk.log.filter { $0.contains("scan handled") || $0.contains("scan refused") }.count }
        func scan(_ text: String, answers: Int = 1) async throws {
            let before = answered()
            #expect(scanner.scan(text))
            let deadline = ContinuousClock.now + .seconds(60)
            while answered() < before + answers, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        func answer(_ text: String) async throws {
            let before = kiosk.log.filter {
                $0.contains("printer calibration answer") || $0.contains("printer calibrated")
            }
            .count
            #expect(scanner.scan(text))
            let deadline = ContinuousClock.now + .seconds(60)
            while kiosk.log.filter({ $0.contains("printer calibration answer") || $0.contains("printer calibrated") })
                .count == before, ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        try kiosk.start()
        #expect(await kiosk.waitForLog("scanner ok"))
        try await scan("KIOSK:CALIBRATE")
        // The sheet: three pieces (it cuts after each cut candidate and at its end).
        let sheet = await kiosk.printer.waitForReceipts(count: 3, timeout: .seconds(120))
        #expect(sheet.count == 3)
        let transcript = sheet.map(\.rendered.transcript).joined(separator: "\n")
        #expect(transcript.contains("CAL:T:CP1258-52-C") && transcript.contains("CAL:T:UDC"), "\(transcript)")
        #expect(kiosk.log.contains { $0.contains("outcome=technician-calibrate") })

        // A wrong barcode in between is refused and changes nothing.
        try await scan("1.001234")
        #expect(kiosk.log.contains { $0.contains("scan refused") && $0.contains("calibration-answer-expected") })
        try await answer("CAL:T:CP1258-52-C")
        try await answer("CAL:CUT:partial")
        try await answer("CAL:BUZ:no")
        #expect(await kiosk.waitForLog("printer calibrated"))
        #expect(await kiosk.waitForLog("configuration reloaded", after: "printer calibrated"))
        let file = kiosk.directory.path + "/state/printer.local.conf"
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(
            written.contains("CP1258=52") && written.contains("CP1258Composes=yes") && written.contains("Cut=partial")
                && written.contains("Buzzer=no"), "\(written)")
        let confirmation = await kiosk.printer.waitForReceipts(count: 4, timeout: .seconds(60))
        #expect(confirmation.last?.text.contains("PRINTER CALIBRATED") == true)
        #expect(confirmation.last?.rendered.transcript.contains("[code page 52]") == true)

        let check = try await KioskctlEndToEndTests.kioskctl(["config", "check", kiosk.configPath])
        #expect(check.output.contains("calibrated on site, \(file)"), "\(check.output)\(check.errors)")

        // The same process, the next intake: the receipt's bytes select page 52 and download
        // nothing; the applicant's name prints through that page.
        try await scan("001095012345||Trần Văn Đức|14031995|Nam|Xã Đông Cuông, tỉnh Lào Cai|01022021")
        try await scan("1.001234")
        let receipts = await kiosk.printer.waitForReceipts(count: 5, timeout: .seconds(60))
        let receipt = try #require(receipts.count >= 5 ? receipts[4] : nil)
        #expect(receipt.bytes.contains(subsequence: [0x1B, 0x74, 52]), "ESC t 52")
        #expect(!receipt.bytes.contains(subsequence: [0x1B, 0x26]), "no ESC & downloads")
        let nameLine = receipt.rendered.transcript.split(separator: "\n").first {
            $0.contains("Tiếp nhận hồ sơ của: Trần Văn Đức")
        }
        #expect(nameLine?.contains("[code page 52]") == true, "\(receipt.rendered.transcript)")
        #expect(kiosk.log.filter { $0.contains("kioskd started") }.count == 1, "no restart")
        await kiosk.stop()
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
