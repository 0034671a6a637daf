import ESCPOS
import KioskDomain

/// The citizen's receipt, after the national form "Giấy tiếp nhận hồ sơ và hẹn trả kết quả":
/// office, tracking code, applicant, ID masked to its last 4 digits, procedure, time received,
/// appointment date, fee, how the result comes back, CODE128 and QR of the code, and how to
/// look it up.
struct IntakeReceipt {
    var dossier: Dossier
    var kioskId: String

    func document(columns: Int) -> ReceiptDocument {
        let center = TextStyle(alignment: .center)
        var doc = ReceiptDocument()
        doc.text(
            ReceiptText.wrap(dossier.office.uppercased(), columns: columns), TextStyle(bold: true, alignment: .center))
        doc.text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", TextStyle(font: columns < 40 ? .b : .a).centered)
        doc.text("Độc lập - Tự do - Hạnh phúc", center)
        doc.elements.append(.feed(1))
        doc.text(
            ReceiptText.wrap("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", columns: columns),
            TextStyle(bold: true, alignment: .center))
        doc.elements.append(.feed(1))
        doc.text("Mã hồ sơ:", center)
        doc.text(dossier.code, TextStyle(bold: true, doubleHeight: true, alignment: .center))
        doc.elements.append(.feed(1))
        doc.text(ReceiptText.field("Người nộp", dossier.applicant.name, columns: columns), TextStyle(bold: true))
        doc.text(ReceiptText.field("Số CCCD", dossier.applicant.maskedIdNumber, columns: columns))
        doc.text(
            ReceiptText.field("Thủ tục", "\(dossier.procedure.name) (\(dossier.procedure.code))", columns: columns))
        doc.text(ReceiptText.field("Tiếp nhận lúc", ReceiptText.time(dossier.receivedAt), columns: columns))
        doc.text(
            ReceiptText.field("Hẹn trả kết quả", "ngày " + ReceiptText.date(dossier.dueDate), columns: columns),
            TextStyle(bold: true))
        doc.text(ReceiptText.field("Lệ phí", ReceiptText.money(dossier.feeVND), columns: columns))
        doc.text(ReceiptText.field("Nhận kết quả", ReceiptText.delivery(dossier.delivery), columns: columns))
        doc.elements.append(.feed(1))
        doc.elements.append(.barcode(dossier.code))
        doc.elements.append(.qr(dossier.code))
        doc.text(
            ReceiptText.wrap("Tra cứu tình trạng hồ sơ: quét mã QR này tại ki-ốt của bưu điện.", columns: columns),
            center)
        doc.text(ReceiptText.wrap("Giữ phiếu này để nhận kết quả.", columns: columns), center)
        doc.text("Ki-ốt \(kioskId)", TextStyle(alignment: .center, font: .b))
        doc.elements.append(.cut)
        return doc
    }
}

extension TextStyle {
    /// The same style, centred.
    var centered: TextStyle {
        var s = self
        s.alignment = .center
        return s
    }
}
