import ESCPOS
import KioskConfig
import KioskDomain

/// The sheet beside the kiosk: each procedure with its days, fee and a barcode of its code
/// for citizens to scan, then the control codes (cancel, counter mode, technician codes).
public struct CatalogSheet: Sendable {
    /// The procedures, in catalog order.
    public var procedures: [Procedure]
    /// The post office name for the heading.
    public var office: String
    /// Whether to print the technician codes too.
    public var includeTechnicianCodes: Bool

    /// Creates a sheet.
    public init(procedures: [Procedure], office: String, includeTechnicianCodes: Bool) {
        self.procedures = procedures
        self.office = office
        self.includeTechnicianCodes = includeTechnicianCodes
    }

    /// The sheet as a printable document for `columns` characters a line.
    public func document(columns: Int) -> ReceiptDocument {
        var doc = ReceiptDocument()
        doc.text(ReceiptText.wrap(office.uppercased(), columns: columns), TextStyle(bold: true, alignment: .center))
        doc.text(
            ReceiptText.wrap("DANH MỤC THỦ TỤC HÀNH CHÍNH", columns: columns), TextStyle(bold: true, alignment: .center)
        )
        doc.text(
            ReceiptText.wrap(
                "1. Quét mã QR trên thẻ căn cước. 2. Quét mã thủ tục bên dưới. 3. Nhận phiếu hẹn.", columns: columns))
        doc.elements.append(.feed(1))
        for procedure in procedures {
            doc.text(ReceiptText.wrap(procedure.name, columns: columns), TextStyle(bold: true))
            doc.text(ReceiptText.field("Mã", procedure.code, columns: columns))
            doc.text(ReceiptText.field("Thời hạn", "\(procedure.workingDays) ngày làm việc", columns: columns))
            doc.text(ReceiptText.field("Lệ phí", ReceiptText.money(procedure.feeVND), columns: columns))
            doc.elements.append(.barcode(procedure.code))
            doc.elements.append(.feed(1))
        }
        doc.text("MÃ ĐIỀU KHIỂN", TextStyle(bold: true, alignment: .center))
        var controls: [(ControlCode, String)] = [(.cancel, "Hủy thao tác"), (.clerk, "Chế độ quầy (nhân viên)")]
        if includeTechnicianCodes {
            controls += [
                (.testPage, "In trang thử"), (.status, "In tình trạng máy"), (.calibrate, "Hiệu chỉnh máy in"),
            ]
        }
        for (control, label) in controls {
            doc.text(label, TextStyle(alignment: .center))
            doc.elements.append(.barcode(control.rawValue))
            doc.elements.append(.feed(1))
        }
        doc.elements.append(.cut)
        return doc
    }
}
