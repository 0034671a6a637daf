import Foundation
import Testing

@testable import ESCPOS

@Suite struct ProfileTests {
    /// Every value of every shipped profile says where it comes from: a `# confirmed: SOURCE`
    /// or `# unconfirmed: WHY` line right above it.
    @Test(arguments: TestSupport.shippedProfileNames)
    func everyValueIsMarkedConfirmedOrNot(profileName: String) throws {
        let text = try String(contentsOfFile: TestSupport.profileDirectory + "/\(profileName).conf", encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (k, line) in lines.enumerated() where line.contains("=") && !line.hasPrefix("#") {
            let above = k > 0 ? lines[k - 1] : ""
            #expect(
                above.hasPrefix("# confirmed: ") || above.hasPrefix("# unconfirmed"),
                "\(profileName).conf line \(k + 1) '\(line)' has no confirmed/unconfirmed note above it")
        }
        _ = TestSupport.profile(profileName)
    }

    /// The widely copied capability database maps TCVN-3 capitals byte 0xA7 to U+00D0 (Ð, Icelandic
    /// eth); TCVN 5712 has U+0110 (Đ) there. The tables here follow the standard.
    @Test func tcvn3CapitalDIsU0110() {
        #expect(CodePage.tcvn3Upper.decode(0xA7) == "\u{0110}")
        #expect(CodePage.tcvn3Upper.encode("\u{0110}") == 0xA7)
        #expect(CodePage.tcvn3Upper.encode("\u{00D0}") == nil)
        #expect(CodePage.tcvn3Lower.decode(0xAE) == "\u{0111}")
    }

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
