import ESCPOS
import KioskDomain

/// The slip a tracking-code scan prints: where the dossier stands, from the local database
/// kept current by the central server's updates. No personal data beyond the masked ID.
package struct StatusSlip {
    var code: String
    var dossier: Dossier?
    var status: DossierStatusUpdate?
    var printedAt: Timestamp

    /// The slip a lookup prints, decided here for the scan and the control socket alike: the
    /// apology and new-appointment slip when the agency set a new date and the result is not
    /// ready yet; otherwise this status slip (which lists what to bring for `needs-more`).
    package static func lookupSlip(code: String, dossier: Dossier?, status: DossierStatusUpdate?, printedAt: Timestamp)
        -> (kind: String, document: (Int) -> ReceiptDocument)
    {
        if let status, let newDate = status.dueDate, [.received, .processing, .needsMore].contains(status.status),
            newDate != dossier?.dueDate
        {
            let slip = ApologySlip(
                code: code, dossier: dossier, status: status, newDueDate: newDate, printedAt: printedAt)
            return ("apology-slip", slip.document(columns:))
        }
        let slip = StatusSlip(code: code, dossier: dossier, status: status, printedAt: printedAt)
        return ("status-slip", slip.document(columns:))
    }

    func document(columns: Int) -> ReceiptDocument {
        var doc = ReceiptDocument()
        let needsMore = status?.status == .needsMore && !(status?.documents.isEmpty ?? true)
        // Mẫu 02's title when the agency asked for more papers.
        let title = needsMore ? "PHIẾU YÊU CẦU BỔ SUNG HỒ SƠ" : "TÌNH TRẠNG HỒ SƠ"
        doc.text(ReceiptText.wrap(title, columns: columns), TextStyle(bold: true, alignment: .center))
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
        if needsMore, let documents = status?.documents {
            doc.text("Cần bổ sung:", TextStyle(bold: true))
            for (index, paper) in documents.enumerated() {
                let line = "\(index + 1). \(paper.name): \(paper.kind.vietnamese.lowercased()) \(paper.count)"
                doc.text(ReceiptText.wrap(line, columns: columns, indent: 3))
            }
            doc.text(ReceiptText.wrap("Mang các giấy tờ trên và phiếu này đến quầy bưu điện.", columns: columns))
        }
        if let at = status?.at { doc.text(ReceiptText.field("Cập nhật", ReceiptText.time(at), columns: columns)) }
        doc.elements.append(.feed(1))
        doc.text("In lúc " + ReceiptText.time(printedAt), TextStyle(alignment: .center, font: .b))
        doc.elements.append(.cut)
        return doc
    }
}
