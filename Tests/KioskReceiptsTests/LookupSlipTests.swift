import ESCPOS
import Foundation
import KioskDomain
import Testing

@testable import KioskReceipts

/// Which slip a lookup prints, and what it says (issue 15): the apology and new-appointment
/// slip for a new date, the list of papers for `needs-more`, the status slip otherwise.
@Suite struct LookupSlipTests {
    static let at = Timestamp(rfc3339: "2026-12-08T10:00:00+07:00")!

    static func text(_ status: DossierStatusUpdate) throws -> (kind: String, text: String) {
        let profile = try IntakeReceiptTests.profile("generic-80mm")
        let slip = StatusSlip.lookupSlip(
            code: "LCVY01-261123-0007-K", dossier: IntakeReceiptTests.dossier(), status: status, printedAt: at)
        let bytes = ESCPOSEncoder.encode(slip.document(profile.columnsFontA), profile: profile)
        return (slip.kind, IntakeReceiptTests.flat(ESCPOSInterpreter.interpret(bytes, profile: profile)))
    }

    @Test func aNewDueDatePrintsTheApologySlipWithBothDates() throws {
        let status = DossierStatusUpdate(
            code: "LCVY01-261123-0007-K", status: .processing, note: "Chờ xác minh", at: Self.at,
            dueDate: CalendarDay(iso: "2026-12-15"), dueTime: TimeOfDay(hour: 14, minute: 0))
        let (kind, text) = try Self.text(status)
        #expect(kind == "apology-slip")
        #expect(text.contains("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"))
        #expect(text.contains("Kính gửi: Ông/Bà Nguyễn Bá Hoàng"))
        #expect(text.contains("Hẹn trả ban đầu: ngày 07 tháng 12 năm 2026"))
        #expect(text.contains("Hẹn lại ngày trả kết quả: 14 giờ 00 phút, ngày 15 tháng 12 năm 2026"))
        #expect(text.contains("Lý do: Chờ xác minh"))
        #expect(!text.contains("001095012345"))
    }

    @Test func needsMoreListsWhatToBring() throws {
        let status = DossierStatusUpdate(
            code: "LCVY01-261123-0007-K", status: .needsMore, note: nil, at: Self.at,
            documents: [DossierDocument(name: "Bản sao Giấy khai sinh", kind: .copy, count: 2)])
        let (kind, text) = try Self.text(status)
        #expect(kind == "status-slip")
        #expect(text.contains("PHIẾU YÊU CẦU BỔ SUNG HỒ SƠ"))
        #expect(text.contains("Cần bổ sung: 1. Bản sao Giấy khai sinh: bản sao 2"))
    }

    @Test func aReadyResultIsAStatusSlipEvenAfterANewDate() throws {
        let status = DossierStatusUpdate(
            code: "LCVY01-261123-0007-K", status: .resultReady, note: nil, at: Self.at,
            dueDate: CalendarDay(iso: "2026-12-15"))
        let (kind, text) = try Self.text(status)
        #expect(kind == "status-slip")
        #expect(text.contains("Tình trạng: Đã có kết quả"))
    }
}
