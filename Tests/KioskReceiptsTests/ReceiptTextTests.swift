import KioskDomain
import Testing

@testable import KioskReceipts

@Suite struct ReceiptTextTests {
    @Test func wrappedFieldsIndentEveryContinuationLine() {
        let text = ReceiptText.field("Địa chỉ", "Thôn 3, xã Mậu A, tỉnh Lào Cai, Việt Nam", columns: 16)
        #expect(text.split(separator: "\n") == ["Địa chỉ: Thôn 3,", "  xã Mậu A, tỉnh", "  Lào Cai, Việt", "  Nam"])
        // A word longer than a line is cut; nothing is lost.
        #expect(ReceiptText.wrap("LCMA01-261123-0007-K", columns: 8) == "LCMA01-2\n61123-00\n07-K")
        #expect(ReceiptText.wrap("", columns: 8) == "")
    }

    @Test func formDatesAndTimes() {
        let day = CalendarDay(iso: "2026-03-05")!
        #expect(ReceiptText.formDate(day) == "05 tháng 03 năm 2026")
        #expect(
            ReceiptText.formTime(secondOfDay: 9 * 3600 + 5 * 60, day: day)
                == "09 giờ 05 phút, ngày 05 tháng 03 năm 2026")
    }

    @Test func signatureBlocksSideBySideOrStacked() {
        let wide = ReceiptText.twoColumns(["NGƯỜI NỘP HỒ SƠ"], ["NGƯỜI TIẾP NHẬN"], columns: 48)
        #expect(wide.split(separator: "\n").count == 1)
        let narrow = ReceiptText.twoColumns(["NGƯỜI NỘP HỒ SƠ"], ["NGƯỜI TIẾP NHẬN"], columns: 32)
        #expect(narrow.split(separator: "\n", omittingEmptySubsequences: false).count == 3)
        for line in narrow.split(separator: "\n") { #expect(line.count <= 32) }
    }
}
