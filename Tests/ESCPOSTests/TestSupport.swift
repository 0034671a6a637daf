import Foundation
import KioskTestSupport

@testable import ESCPOS

/// Paths and fixtures shared by the ESC/POS tests.
enum TestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static let profileDirectory = repositoryRoot + "/Hardware/printers"

    /// Names of every profile in `Hardware/printers`.
    static let shippedProfileNames: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: profileDirectory)) ?? []
        return files.filter { $0.hasSuffix(".conf") }.map { String($0.dropLast(5)) }.sorted()
    }()

    static func profile(_ name: String) -> PrinterProfile {
        do { return try PrinterProfile.load(named: name, from: profileDirectory) } catch {
            fatalError("shipped profile \(name) does not load: \(error)")
        }
    }

    /// The 66 lower-case Vietnamese letters with diacritics, their 66 capitals, đ and Đ.
    static let vietnameseLetters: [Character] = {
        let lower = Array("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")
        return lower + lower.map { Character($0.uppercased()) } + ["đ", "Đ"]
    }()

    /// A receipt like the intake receipt, with made-up personal data.
    static let sampleReceipt: ReceiptDocument = {
        var d = ReceiptDocument()
        d.text(
            "BƯU ĐIỆN TỈNH YÊN BÁI", TextStyle(bold: true, doubleWidth: true, doubleHeight: true, alignment: .center))
        d.text("Điểm BĐ-VHX Tân Thịnh", TextStyle(alignment: .center))
        d.text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", TextStyle(bold: true, alignment: .center))
        d.text("Mã hồ sơ: YBVY01-261121-0007-K")
        d.text("Người nộp: Nguyễn Thị Hồng Nhung")
        d.text("CCCD: ********1234")
        d.text("Địa chỉ: Tổ 5, phường Đồng Tâm, TP Yên Bái")
        d.text("Thủ tục: Cấp Phiếu lý lịch tư pháp")
        d.text("Nhận lúc: 21/11/2026 09:15")
        d.text("Hẹn trả kết quả: 05/12/2026", TextStyle(bold: true))
        d.text("Lệ phí: 200.000 đồng")
        d.text("Nhận kết quả: qua bưu điện")
        d.elements.append(.barcode("YBVY01-261121-0007-K"))
        d.elements.append(.qr("YBVY01-261121-0007-K"))
        d.text("Tra cứu: quét mã này tại kiosk", TextStyle(alignment: .center))
        d.elements.append(.cut)
        return d
    }()

    /// Runs zbarimg on PNG bytes (off the concurrency pool, at most 120 s); nil when zbarimg
    /// is not installed.
    static func zbarimg(_ png: [UInt8]) async throws -> String? {
        let tool = "/usr/bin/zbarimg"
        guard FileManager.default.isExecutableFile(atPath: tool) else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("escpos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("code.png")
        try Data(png).write(to: file)
        let outcome = try await ToolRun.run(tool, ["--raw", "-q", file.path])
        return outcome.output.trimmingCharacters(in: .newlines)
    }

    static let zbarimgPresent = FileManager.default.isExecutableFile(atPath: "/usr/bin/zbarimg")
}
