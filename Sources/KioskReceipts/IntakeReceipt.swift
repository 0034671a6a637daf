import ESCPOS
import KioskConfig
import KioskDomain

/// The citizen's receipt, after the national form "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
/// (Mẫu 01, Circular 01/2018/TT-VPCP; one-stop shops are now governed by Decree
/// 118/2025/NĐ-CP): the receiving unit, the national motto, "<place>, ngày … tháng … năm …",
/// the title, "Tiếp nhận hồ sơ của" with the ID masked to its last 4 digits and the address,
/// "Nội dung yêu cầu giải quyết", "Thành phần hồ sơ" with originals/copies and counts, the
/// number of sets, the legal processing time, the times of receipt and of the appointment
/// ("HH giờ MM phút, ngày DD tháng MM năm YYYY"), the fee, "Đăng ký nhận kết quả tại", the
/// register line ("Vào Sổ theo dõi hồ sơ, Quyển số … Số thứ tự …"), the two signature blocks
/// with the kiosk as receiver, then the tracking code's CODE128 and QR. With two copies each
/// is headed "Liên 1"/"Liên 2" and a cut separates them; Liên 1 (kept with the dossier) has no
/// QR code and no lookup hint, to keep it short. See docs/receipt.md.
package struct IntakeReceipt {
    var dossier: Dossier
    var kioskId: String
    var form: ReceiptForm

    package init(dossier: Dossier, kioskId: String, form: ReceiptForm) {
        self.dossier = dossier
        self.kioskId = kioskId
        self.form = form
    }

    /// The receipt of a recorded dossier (a reprint): the form and, when the dossier does not
    /// carry them, the documents come from the procedure in the catalog now.
    package init(dossier: Dossier, kiosk: KioskConfiguration.Kiosk, catalog: ProcedureCatalog) {
        var dossier = dossier
        let procedure =
            catalog.procedure(code: dossier.procedure.code)
            ?? Procedure(
                code: dossier.procedure.code, name: dossier.procedure.name, workingDays: 1,
                feeVND: dossier.feeVND, delivery: .counter)
        if dossier.documents.isEmpty { dossier.documents = procedure.documents }
        self.init(dossier: dossier, kioskId: kiosk.id, form: ReceiptForm(kiosk: kiosk, procedure: procedure))
    }

    package func document(columns: Int) -> ReceiptDocument {
        var doc = ReceiptDocument()
        if form.copies >= 2 {
            append(copy: 1, to: &doc, columns: columns)
            append(copy: 2, to: &doc, columns: columns)
        } else {
            append(copy: nil, to: &doc, columns: columns)
        }
        return doc
    }

    private func append(copy: Int?, to doc: inout ReceiptDocument, columns: Int) {
        let center = TextStyle(alignment: .center)
        let small = TextStyle(alignment: .center, font: .b)
        doc.text(ReceiptText.wrap(form.unit.uppercased(), columns: columns), TextStyle(bold: true, alignment: .center))
        if form.unit != dossier.office { doc.text(ReceiptText.wrap(dossier.office, columns: columns), center) }
        doc.text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", TextStyle(font: columns < 40 ? .b : .a).centered)
        doc.text("Độc lập - Tự do - Hạnh phúc", center)
        let dated = "ngày " + ReceiptText.formDate(dossier.receivedAt.localDay)
        doc.text(
            ReceiptText.wrap(form.place.map { "\($0), \(dated)" } ?? dated.capitalizedFirst, columns: columns), center)
        doc.text(
            ReceiptText.wrap("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", columns: columns),
            TextStyle(bold: true, alignment: .center))
        doc.text("Mã hồ sơ:", center)
        doc.text(dossier.code, TextStyle(bold: true, doubleHeight: true, alignment: .center))
        if let copy {
            let whose = copy == 1 ? "lưu hồ sơ" : "giao người nộp"
            doc.text("Liên \(copy): \(whose)", small)
        }
        let applicant = dossier.applicant
        doc.text(ReceiptText.field("Tiếp nhận hồ sơ của", applicant.name, columns: columns), TextStyle(bold: true))
        doc.text(ReceiptText.field("Số CCCD", applicant.maskedIdNumber, columns: columns))
        if !applicant.address.isEmpty { doc.text(ReceiptText.field("Địa chỉ", applicant.address, columns: columns)) }
        if let phone = dossier.contact.phone { doc.text(ReceiptText.field("Số điện thoại", phone, columns: columns)) }
        if let email = dossier.contact.email { doc.text(ReceiptText.field("Email", email, columns: columns)) }
        doc.text(
            ReceiptText.field(
                "Nội dung yêu cầu giải quyết", "\(dossier.procedure.name) (\(dossier.procedure.code))",
                columns: columns))
        if !dossier.documents.isEmpty {
            doc.text("Thành phần hồ sơ:")
            for (index, paper) in dossier.documents.enumerated() {
                let line = "\(index + 1). \(paper.name): \(paper.kind.vietnamese.lowercased()) \(paper.count)"
                doc.text(ReceiptText.wrap(line, columns: columns, indent: 3))
            }
        }
        doc.text(ReceiptText.field("Số lượng hồ sơ", "\(ReceiptText.two(form.sets)) bộ", columns: columns))
        doc.text(
            ReceiptText.field(
                "Thời hạn theo quy định",
                form.legalDays == 0 ? "trong ngày làm việc" : "\(form.legalDays) ngày làm việc", columns: columns))
        doc.text(
            ReceiptText.field(
                "Thời gian nhận hồ sơ",
                ReceiptText.formTime(
                    secondOfDay: dossier.receivedAt.localSecondOfDay, day: dossier.receivedAt.localDay),
                columns: columns))
        doc.text(
            ReceiptText.field(
                "Thời gian trả kết quả",
                ReceiptText.formTime(secondOfDay: form.appointmentTime.secondOfDay, day: dossier.dueDate),
                columns: columns), TextStyle(bold: true))
        doc.text(ReceiptText.field("Lệ phí", ReceiptText.money(dossier.feeVND), columns: columns))
        doc.text(ReceiptText.field("Đăng ký nhận kết quả tại", resultPlace, columns: columns))
        if let register = dossier.register {
            doc.text(
                ReceiptText.wrap(
                    "Vào Sổ theo dõi hồ sơ, Quyển số \(register.book), Số thứ tự \(register.number)", columns: columns))
        }
        doc.elements.append(.feed(1))
        doc.text(
            ReceiptText.twoColumns(
                ["NGƯỜI NỘP HỒ SƠ", "(Ký, ghi rõ họ tên)"], ["NGƯỜI TIẾP NHẬN", "Ki-ốt \(kioskId)"],
                columns: columns), TextStyle(bold: false))
        doc.elements.append(.feed(2))
        doc.elements.append(.barcode(dossier.code))
        if copy != 1 {
            doc.elements.append(.qr(dossier.code))
            doc.text(
                ReceiptText.wrap(
                    "Tra cứu hồ sơ: quét mã QR này tại ki-ốt. Giữ phiếu để nhận kết quả.", columns: columns),
                small)
        }
        doc.elements.append(.cut)
    }

    /// "Đăng ký nhận kết quả tại": the address, for results by post; the office, at the counter.
    private var resultPlace: String {
        switch dossier.delivery {
        case .post(let address):
            // The card's address is printed above: say so rather than print it twice.
            address.isEmpty
                ? "qua dịch vụ bưu chính"
                : address == dossier.applicant.address
                    ? "qua dịch vụ bưu chính, tới địa chỉ trên" : "qua dịch vụ bưu chính, tới địa chỉ: \(address)"
        case .counter: "quầy \(dossier.office)"
        }
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

extension String {
    /// The first letter in upper case: `Ngày 21 tháng 11 năm 2026`.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
