import Foundation
import KioskDevices
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real kioskd with `[Scanner] Mode=hidpos`: a FIFO of 64-byte HID-POS reports stands in
/// for /dev/hidrawN (its report descriptor in `scanner.rdesc` beside it); the ID card QR's
/// Vietnamese travels as UTF-8, with no keymap and no Alt codes, and reaches the receipt exactly.
@Suite(.serialized) struct HIDPOSEndToEndTests {
    /// A HID-POS scanner's report descriptor (usage page 0x8C; report 2: byte count, AIM
    /// symbology identifier, 56 bytes of decoded data, 2 vendor bytes, "Decode Data Continued").
    static let descriptor: [UInt8] = [
        0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x09, 0x12, 0xA1, 0x02, 0x85, 0x02, 0x15, 0x00, 0x26, 0xFF, 0x00,
        0x75, 0x08, 0x95, 0x01, 0x05, 0x01, 0x09, 0x3B, 0x81, 0x02, 0x95, 0x03, 0x05, 0x8C, 0x09, 0xFB, 0x09,
        0xFC, 0x09, 0xFD, 0x81, 0x02, 0x95, 0x38, 0x09, 0xFE, 0x82, 0x02, 0x01, 0x06, 0x66, 0xFF, 0x95, 0x02,
        0x09, 0x04, 0x09, 0x00, 0x81, 0x02, 0x05, 0x8C, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x09, 0xFF, 0x81,
        0x02, 0xC0, 0xC0,
    ]
    /// A name with letters no keymap has: every tone mark, Đ, ư and ơ.
    static let name = "Đặng Thị Phượng Ửng"
    static let card = "001195012345||\(name)|14031995|Nữ|Thôn 3, xã Mậu A, tỉnh Lào Cai|01022021"

    @Test func anIDCardFromAHIDPOSScannerPrintsTheNameExactly() async throws {
        let kiosk = try KioskdProcess(scannerMode: "hidpos")
        let scanner = try HIDPOSScannerFIFO(path: kiosk.directory.path + "/scanner")
        try kiosk.start()
        #expect(await kiosk.waitForLog("kioskd started"))
        #expect(await kiosk.waitForLog("scanner ok"))

        func scan(_ text: String, symbology: String) async throws {
            let handled = { kiosk.log.filter { $0.contains("scan handled") || $0.contains("scan refused") }.count }
            let before = handled()
            let reports = scanner.reports(for: text, symbology: symbology)
            #expect(!reports.isEmpty)
            for report in reports { #expect(scanner.write(report)) }
            let deadline = ContinuousClock.now + .seconds(60)
            while handled() == before, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        }

        try await scan(Self.card, symbology: "]Q1")
        try await scan("1.001234", symbology: "]C0")
        let receipts = await kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60))
        #expect(receipts.count == 1)
        let text = receipts.first?.text ?? ""
        #expect(text.contains("Tiếp nhận hồ sơ của: \(Self.name)"), "\(text)")
        #expect(text.contains("(1.001234)"))
        #expect(kiosk.log.contains { $0.contains("scanner hidpos-scan") && $0.contains("symbology=]Q1") })
        await kiosk.stop()
        for line in kiosk.log {
            #expect(!line.contains(Self.name) && !line.contains("001195012345"), "personal data in a log line: \(line)")
        }
    }
}
