import ESCPOS
import KioskDomain

/// "Phiếu xin lỗi và hẹn lại ngày trả kết quả" (after Mẫu 04, Circular 01/2018/TT-VPCP): the
/// slip a lookup prints when the agency set a new appointment for a dossier (an update's
/// `dueDate`). It names the dossier, says sorry, and gives the old and the new date; the
/// agency's note is the reason. Personal data: the name only, as the form addresses the citizen.
struct ApologySlip {
    var code: String
    var dossier: Dossier?
    var status: DossierStatusUpdate
    var newDueDate: CalendarDay
    var printedAt: Timestamp

    func document(columns: Int) -> ReceiptDocument {
        let center = TextStyle(alignment: .center)
        var doc = ReceiptDocument()
        if let office = dossier?.office, !office.isEmpty {
            doc.text(ReceiptText.wrap(office.uppercased(), columns: columns), TextStyle(bold: true, alignment: .center))
        }
        doc.text(
            ReceiptText.wrap("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", columns: columns),
            TextStyle(bold: true, alignment: .center))
        doc.text("Mã hồ sơ:", center)
        doc.text(code, TextStyle(bold: true, alignment: .center))
        if let name = dossier?.applicant.name, !name.isEmpty {
            doc.text(ReceiptText.field("Kính gửi", "Ông/Bà \(name)", columns: columns))
        }
        if let dossier {
            doc.text(ReceiptText.field("Hồ sơ", dossier.procedure.name, columns: columns))
            doc.text(
                ReceiptText.field(
                    "Tiếp nhận",
                    ReceiptText.formTime(
                        secondOfDay: dossier.receivedAt.localSecondOfDay, day: dossier.receivedAt.localDay),
                    columns: columns))
            doc.text(
                ReceiptText.field("Hẹn trả ban đầu", "ngày " + ReceiptText.formDate(dossier.dueDate), columns: columns))
        }
        doc.text(
            ReceiptText.wrap(
                "Hồ sơ của Ông/Bà chưa có kết quả đúng hẹn. Cơ quan giải quyết xin lỗi Ông/Bà vì sự chậm trễ này.",
                columns: columns))
        if let note = status.note, !note.isEmpty { doc.text(ReceiptText.field("Lý do", note, columns: columns)) }
        let newDate =
            status.dueTime.map { ReceiptText.formTime(secondOfDay: $0.secondOfDay, day: newDueDate) }
            ?? "ngày " + ReceiptText.formDate(newDueDate)
        doc.text(ReceiptText.field("Hẹn lại ngày trả kết quả", newDate, columns: columns), TextStyle(bold: true))
        doc.text(ReceiptText.wrap("Mong Ông/Bà thông cảm.", columns: columns), center)
        doc.elements.append(.feed(1))
        doc.text("In lúc " + ReceiptText.time(printedAt), TextStyle(alignment: .center, font: .b))
        doc.elements.append(.cut)
        return doc
    }
}
