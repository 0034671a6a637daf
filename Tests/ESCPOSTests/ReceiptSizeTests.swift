import Foundation
import Testing

@testable import ESCPOS

/// Bytes on the wire for a Vietnamese receipt: the chosen encoding against all-raster text.
@Suite struct ReceiptSizeTests {
    @Test(arguments: ["generic-58mm", "generic-80mm", "epson-tm-t20iii", "rongta-rp326"])
    func vietnameseReceiptBytes(profileName: String) throws {
        let profile = TestSupport.profile(profileName)
        let chosen = ESCPOSEncoder.encode(TestSupport.sampleReceipt, profile: profile)
        let raster = ESCPOSEncoder.encode(TestSupport.sampleReceipt, profile: profile, textRendering: .rasterOnly)
        print("RECEIPT-BYTES \(profileName): chosen \(chosen.count), all-raster \(raster.count)")
        #expect(chosen.count < raster.count)
        if profile.codePages[.tcvn3Lower] != nil || profile.cp1258ComposesMarks {
            #expect(chosen.count * 5 <= raster.count, "a Vietnamese page must cut the bytes to a fifth")
        }
        // Both forms read back to the same receipt: the same text lines where text was sent.
        let r = ESCPOSInterpreter.interpret(chosen, profile: profile)
        #expect(!r.textLines.contains { $0.contains("?") || $0.contains("\u{FFFD}") })
        #expect(r.notes.isEmpty)
        if let dir = ProcessInfo.processInfo.environment["ESCPOS_SAMPLE_DIR"] {
            try Data(r.png(scale: 1)).write(to: URL(fileURLWithPath: "\(dir)/\(profileName).png"))
            try r.transcript.write(toFile: "\(dir)/\(profileName).txt", atomically: true, encoding: .utf8)
        }
    }

    @Test func epsonReceiptIsAllText() {
        let profile = TestSupport.profile("epson-tm-t20iii")
        let r = ESCPOSInterpreter.interpret(ESCPOSEncoder.encode(TestSupport.sampleReceipt, profile: profile))
        #expect(!r.elements.contains { if case .raster = $0 { true } else { false } })
        #expect(r.textLines.contains("Người nộp: Nguyễn Thị Hồng Nhung"))
        #expect(r.textLines.contains("Địa chỉ: Tổ 5, phường Đồng Tâm, TP Yên Bái"))
        #expect(r.textLines.first == "BƯU ĐIỆN TỈNH YÊN BÁI")
    }
}
