import Testing

@testable import ESCPOS

@Suite struct ProfileTests {
    @Test func shippedProfilesLoad() {
        let p58 = TestSupport.profile("generic-58mm")
        #expect(p58.paperWidthDots == 384 && p58.columnsFontA == 32 && p58.columnsFontB == 42)
        #expect(!p58.nativeQR && p58.codePages.keys.sorted { $0.rawValue < $1.rawValue } == [.cp437])
        let p80 = TestSupport.profile("generic-80mm")
        #expect(p80.paperWidthDots == 576 && p80.nativeQR && p80.codePages[.cp1258] == nil)
        let epson = TestSupport.profile("epson-tm-t20iii")
        #expect(epson.codePages == [.cp437: 0, .tcvn3Lower: 30, .tcvn3Upper: 31, .cp1258: 52])
        #expect(epson.cp1258ComposesMarks && epson.cutter == .partial && epson.hasStatus)
        let rongta = TestSupport.profile("rongta-rp326")
        #expect(rongta.codePages[.cp1258] == 35 && rongta.codePages[.tcvn3Lower] == nil)
        #expect(!rongta.cp1258ComposesMarks && rongta.hasBuzzer)
    }

    @Test func errorsNameLineAndKey() {
        let text = "[Printer]\nPaperWidthDots=576\nColumnsFontA=48\nColumnsFontB=64\n[Features]\nNativeQR=maybe\n"
        #expect(
            throws: PrinterProfileError(source: "x.conf", line: 6, key: "NativeQR", reason: "'maybe' is not yes or no")
        ) {
            try PrinterProfile.parse(text, name: "x")
        }
        let unknown = "[Printer]\nPaperWidthDots=576\nColour=red\n"
        #expect(throws: PrinterProfileError.self) { try PrinterProfile.parse(unknown, name: "x") }
        do {
            _ = try PrinterProfile.parse("[Printer]\nPaperWidthDots=576\n", name: "y")
            Issue.record("missing keys accepted")
        } catch {
            #expect(error.description == "y.conf: ColumnsFontA: required key missing")
        }
        #expect(throws: PrinterProfileError.self) { try PrinterProfile.load(named: "../etc/passwd", from: "/") }
    }
}
