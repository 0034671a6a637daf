import ESCPOS
import KioskDomain

/// The slip a tracking-code scan prints: where the dossier stands, from the local database
/// kept current by the central server's updates. No personal data beyond the masked ID.
struct StatusSlip {
    var code: String
    var dossier: Dossier?
    var status: DossierStatusUpdate?
    var printedAt: Timestamp

    func document(columns: Int) -> ReceiptDocument {
        var doc = ReceiptDocument()
        doc.text("TÌNH TRẠNG HỒ SƠ", TextStyle(bold: true, alignment: .center))
        doc.text(code, TextStyle(bold: true, alignment: .center))
        doc.elements.append(.feed(1))
        if let dossier {
            doc.text(ReceiptText.field("Thủ tục", dossier.procedure.name, columns: columns))
            doc.text(ReceiptText.field("Tiếp nhận", ReceiptText.time(dossier.receivedAt), columns: columns))
            doc.text(ReceiptText.field("Hẹn trả", ReceiptText.date(dossier.dueDate), columns: columns))
        }
        let state = status.map { ReceiptText.status($0.status) } ?? ReceiptText.status(.received)
        doc.text(ReceiptText.field("Tình trạng", state, columns: columns), TextStyle(bold: true, doubleHeight: true))
        if let note = status?.note, !note.isEmpty { doc.text(ReceiptText.field("Ghi chú", note, columns: columns)) }
        if let at = status?.at { doc.text(ReceiptText.field("Cập nhật", ReceiptText.time(at), columns: columns)) }
        doc.elements.append(.feed(1))
        doc.text("In lúc " + ReceiptText.time(printedAt), TextStyle(alignment: .center, font: .b))
        doc.elements.append(.cut)
        return doc
    }
}
