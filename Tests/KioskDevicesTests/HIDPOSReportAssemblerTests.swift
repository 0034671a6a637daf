import Testing

@testable import KioskDevices

@Suite("HID-POS report assembler")
struct HIDPOSReportAssemblerTests {
    let layout: HIDPOSDescriptor

    init() throws { layout = try HIDPOSDescriptor(parsing: HIDPOSFixtures.scanner) }

    func feed(_ reports: [[UInt8]], into assembler: inout HIDPOSReportAssembler) -> [HIDPOSReportAssembler.Output] {
        reports.compactMap { assembler.feed($0, now: 1_000) }
    }

    @Test("an ID card QR over three reports: one scan, Vietnamese exact, symbology kept")
    func continuedScan() throws {
        let bytes = Array(HIDPOSFixtures.idCard.utf8)
        let reports = layout.reports(for: bytes, symbology: "]Q1")
        #expect(reports.count == 3)
        #expect(reports.allSatisfy { $0.count == 64 && $0[0] == 2 })
        #expect(reports.map { $0[63] } == [1, 1, 0])  // "more follows" on all but the last
        var assembler = HIDPOSReportAssembler(descriptor: layout)
        let outputs = feed(reports, into: &assembler)
        #expect(outputs == [.scan(HIDPOSScan(bytes: bytes, symbology: "]Q1"))])
        guard case .scan(let scan)? = outputs.first else { return }
        #expect(scan.text == HIDPOSFixtures.idCard)
        #expect(scan.isValidUTF8)
        #expect(scan.description == "QR Code (]Q1) of \(bytes.count) bytes")
        #expect(assembler.deadline == nil)
    }

    @Test("a multi-byte letter cut between two reports comes out whole")
    func letterAcrossReports() throws {
        // 55 ASCII bytes, then "ễ" (3 bytes): its bytes straddle the 56-byte boundary.
        let text = String(repeating: "a", count: 55) + "ễ"
        var assembler = HIDPOSReportAssembler(descriptor: layout)
        let outputs = feed(layout.reports(for: Array(text.utf8), symbology: "]Q1"), into: &assembler)
        #expect(outputs == [.scan(HIDPOSScan(bytes: Array(text.utf8), symbology: "]Q1"))])
    }

    @Test("other reports (trigger, status) are ignored; a suffix CR is not part of the text")
    func otherReportsAndSuffix() {
        var assembler = HIDPOSReportAssembler(descriptor: layout)
        #expect(assembler.feed([4, 1, 0, 0], now: 0) == nil)
        let outputs = feed(layout.reports(for: Array("1.001234\r".utf8), symbology: "]C0"), into: &assembler)
        guard case .scan(let scan)? = outputs.first else {
            Issue.record("no scan")
            return
        }
        #expect(scan.text == "1.001234")
        #expect(scan.symbology == "]C0")
    }

    @Test("without a byte count, trailing zero bytes are padding")
    func noByteCount() throws {
        var plain = layout
        plain.byteCount = nil
        var assembler = HIDPOSReportAssembler(descriptor: plain)
        var report = layout.reports(for: Array("Đ".utf8), symbology: "]Q1")[0]
        report[1] = 0  // the count field is now just padding
        #expect(assembler.feed(report, now: 0) == .scan(HIDPOSScan(bytes: Array("Đ".utf8), symbology: "]Q1")))
    }

    @Test("a scan whose next report never comes is dropped at its deadline, and the next scan is clean")
    func incompleteScan() throws {
        var assembler = HIDPOSReportAssembler(descriptor: layout)
        let reports = layout.reports(for: Array(HIDPOSFixtures.idCard.utf8), symbology: "]Q1")
        #expect(assembler.feed(reports[0], now: 1_000) == nil)
        let deadline = try #require(assembler.deadline)
        #expect(assembler.expire(now: deadline - 1) == nil)
        #expect(assembler.expire(now: deadline) == .dropped(.incomplete))
        #expect(assembler.deadline == nil)
        #expect(feed(layout.reports(for: Array("1.001234".utf8), symbology: "]C0"), into: &assembler).count == 1)
    }

    @Test("the device going away mid-scan drops it; an over-long scan is dropped, not grown")
    func resetAndOverlong() {
        var assembler = HIDPOSReportAssembler(descriptor: layout)
        #expect(assembler.reset() == nil)
        _ = assembler.feed(layout.reports(for: Array(HIDPOSFixtures.idCard.utf8), symbology: "]Q1")[0], now: 0)
        #expect(assembler.reset() == .dropped(.deviceGone))
        let huge = [UInt8](repeating: 0x41, count: HIDPOSReportAssembler.maximumBytes + 100)
        let outputs = feed(layout.reports(for: huge, symbology: "]Q1"), into: &assembler)
        #expect(outputs.count == 1)
        if case .dropped(.tooLong)? = outputs.first {} else { Issue.record("not dropped: \(outputs)") }
    }

    @Test("invalid UTF-8 is replaced, and said")
    func invalidUTF8() {
        let scan = HIDPOSScan(bytes: [0x4E, 0xC3, 0x28], symbology: "]Q1")
        #expect(!scan.isValidUTF8)
        #expect(scan.text.unicodeScalars.contains("\u{FFFD}"))
    }
}
