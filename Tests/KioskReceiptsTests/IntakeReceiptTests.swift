import ESCPOS
import Foundation
import KioskConfig
import KioskDomain
import Testing

@testable import KioskReceipts

/// The intake receipt against the national form (Mẫu 01, Circular 01/2018/TT-VPCP): each field
/// a kiosk can know, read back from the printer bytes through the ESC/POS interpreter.
@Suite struct IntakeReceiptTests {
    static let repository =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let profiles = repository + "/Hardware/printers"

    static func dossier() -> Dossier {
        Dossier(
            code: "LCVY01-261123-0007-K", procedure: ProcedureRef(code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp"),
            applicant: Applicant(
                idNumber: "001095012345", name: "Nguyễn Bá Hoàng", birth: BirthDate(year: 1995),
                gender: "Nam", address: "Thôn 3, xã Văn Yên, tỉnh Lào Cai"),
            receivedAt: Timestamp(rfc3339: "2026-11-23T09:15:02+07:00")!,
            dueDate: CalendarDay(iso: "2026-12-07")!, feeVND: 200_000,
            delivery: .post(address: "Thôn 3, xã Văn Yên, tỉnh Lào Cai"), office: "Bưu điện xã Văn Yên",
            register: RegisterEntry(book: "2026", number: 137),
            documents: [
                DossierDocument(name: "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", kind: .original, count: 1),
                DossierDocument(name: "Thẻ căn cước", kind: .copy, count: 1),
            ])
    }

    static func form(copies: Int) -> ReceiptForm {
        ReceiptForm(
            unit: "Bưu điện tỉnh Lào Cai", place: "Lào Cai", legalDays: 10, sets: 1,
            appointmentTime: TimeOfDay(hour: 7, minute: 30)!, copies: copies)
    }

    /// The profile, with the Epson's TCVN-3 code pages on the generic ones, so every line
    /// prints as text the interpreter reads back (the generic profiles would print raster).
    static func profile(_ name: String) throws -> PrinterProfile {
        var profile = try PrinterProfile.load(named: name, from: profiles)
        profile.codePages = try PrinterProfile.load(named: "epson-tm-t20iii", from: profiles).codePages
        return profile
    }

    static func render(copies: Int, profile name: String) throws -> RenderedReceipt {
        let profile = try profile(name)
        let receipt = IntakeReceipt(dossier: dossier(), kioskId: "LC-VANYEN-01", form: form(copies: copies))
        let bytes = ESCPOSEncoder.encode(receipt.document(columns: profile.columnsFontA), profile: profile)
        return ESCPOSInterpreter.interpret(bytes, profile: profile)
    }

    /// Joined lines, wrapped text made one again, so a field can be found whatever the width.
    static func flat(_ rendered: RenderedReceipt) -> String {
        rendered.textLines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            .precomposedStringWithCanonicalMapping
    }

    @Test(arguments: ["generic-80mm", "generic-58mm"])
    func everyFieldOfTheFormTheKioskCanKnow(profile: String) throws {
        let text = Self.flat(try Self.render(copies: 1, profile: profile))
        let fields: [(String, String)] = [
            ("receiving unit", "BƯU ĐIỆN TỈNH LÀO CAI"),
            ("national motto", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("place and date", "Lào Cai, ngày 23 tháng 11 năm 2026"),
            ("title", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
            ("tracking code", "Mã hồ sơ: LCVY01-261123-0007-K"),
            ("applicant", "Tiếp nhận hồ sơ của: Nguyễn Bá Hoàng"),
            ("masked ID", "********2345"),
            ("address", "Địa chỉ: Thôn 3, xã Văn Yên, tỉnh Lào Cai"),
            ("request", "Nội dung yêu cầu giải quyết: Cấp Phiếu lý lịch tư pháp (1.001234)"),
            ("documents", "Thành phần hồ sơ:"),
            ("document 1, original", "1. Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp: bản chính 1"),
            ("document 2, copy", "2. Thẻ căn cước: bản sao 1"),
            ("sets", "Số lượng hồ sơ: 01 bộ"),
            ("legal time", "Thời hạn theo quy định: 10 ngày làm việc"),
            ("time received", "Thời gian nhận hồ sơ: 09 giờ 15 phút, ngày 23 tháng 11 năm 2026"),
            ("appointment", "Thời gian trả kết quả: 07 giờ 30 phút, ngày 07 tháng 12 năm 2026"),
            ("fee", "Lệ phí: 200.000 đồng"),
            ("where the result goes", "Đăng ký nhận kết quả tại: qua dịch vụ bưu chính, tới địa chỉ trên"),
            ("register", "Vào Sổ theo dõi hồ sơ, Quyển số 2026, Số thứ tự 137"),
            ("signature of the applicant", "NGƯỜI NỘP HỒ SƠ"),
            ("signature of the receiver", "NGƯỜI TIẾP NHẬN"),
            ("the kiosk as receiver", "Ki-ốt LC-VANYEN-01"),
        ]
        for (field, expected) in fields {
            #expect(text.contains(expected), "\(field) missing on \(profile): \(expected)")
        }
        #expect(!text.contains("001095012345"))
        #expect(!text.contains("Liên"))
    }

    /// On the Epson (a cutter, native QR) as printed; on any paper width as the document.
    @Test func twoCopiesWithACutBetween() throws {
        let rendered = try Self.render(copies: 2, profile: "generic-80mm")
        var printed: [String] = []
        for element in rendered.elements {
            switch element {
            case .text(let line) where line.text.contains("Liên"): printed.append(line.text)
            case .text(let line) where line.text.contains("GIẤY TIẾP NHẬN"): printed.append("title")
            case .cut: printed.append("cut")
            case .qr: printed.append("qr")
            case .raster(let bitmap, _) where bitmap.width == bitmap.height: printed.append("qr")
            default: continue
            }
        }
        // The QR code only on the citizen's copy (Liên 2); Liên 1 stays short.
        #expect(printed == ["title", "Liên 1: lưu hồ sơ", "cut", "title", "Liên 2: giao người nộp", "qr", "cut"])
        for columns in [32, 48] {
            let document = IntakeReceipt(dossier: Self.dossier(), kioskId: "LC-VANYEN-01", form: Self.form(copies: 2))
                .document(columns: columns)
            var parts: [String] = []
            for element in document.elements {
                switch element {
                case .text(let text, _) where text.hasPrefix("Liên"): parts.append(text)
                case .cut: parts.append("cut")
                case .qr: parts.append("qr")
                default: continue
                }
            }
            #expect(parts == ["Liên 1: lưu hồ sơ", "cut", "Liên 2: giao người nộp", "qr", "cut"])
        }
        // One copy: no "Liên".
        let single = try Self.render(copies: 1, profile: "generic-80mm")
        #expect(!single.textLines.contains { $0.contains("Liên") })
    }

    @Test func noLineIsWiderThanThePaper() throws {
        for name in ["generic-80mm", "generic-58mm"] {
            let profile = try Self.profile(name)
            let rendered = try Self.render(copies: 1, profile: name)
            for element in rendered.elements {
                guard case .text(let line) = element else { continue }
                let fontB = line.runs.first?.style.font == .b
                #expect(
                    line.text.count <= (fontB ? profile.columnsFontB : profile.columnsFontA), "\(name): \(line.text)")
            }
        }
    }
}
