import ESCPOS
import KioskDomain

/// The slip printed when a clerk hands the result back at the counter.
package struct HandBackSlip {
    var dossier: Dossier
    var returnedAt: Timestamp

    /// The slip for `dossier` handed back at `returnedAt`.
    package init(dossier: Dossier, returnedAt: Timestamp) {
        self.dossier = dossier
        self.returnedAt = returnedAt
    }

    package func document(columns: Int) -> ReceiptDocument {
        var doc = ReceiptDocument()
        doc.text(
            ReceiptText.wrap(dossier.office.uppercased(), columns: columns), TextStyle(bold: true, alignment: .center))
        doc.text("PHIẾU TRẢ KẾT QUẢ", TextStyle(bold: true, alignment: .center))
        doc.text(dossier.code, TextStyle(bold: true, alignment: .center))
        doc.elements.append(.feed(1))
        doc.text(ReceiptText.field("Người nhận", dossier.applicant.name, columns: columns))
        doc.text(ReceiptText.field("Số CCCD", dossier.applicant.maskedIdNumber, columns: columns))
        doc.text(ReceiptText.field("Thủ tục", dossier.procedure.name, columns: columns))
        doc.text(ReceiptText.field("Trả kết quả lúc", ReceiptText.time(returnedAt), columns: columns))
        doc.elements.append(.feed(2))
        doc.text("Người nhận ký tên", TextStyle(alignment: .center))
        doc.elements.append(.feed(3))
        doc.elements.append(.cut)
        return doc
    }
}
