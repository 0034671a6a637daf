import ESCPOS
import KioskDomain

/// The intake receipt of a typical dossier (made-up citizen, two documents, a register line),
/// for `kiosk-bench receipt-form`: what the kiosk prints, through the real builder.
public enum IntakeReceiptSample {
    /// The receipt's ESC/POS bytes for `profile`, with one or two copies.
    public static func bytes(profile: PrinterProfile, copies: Int) -> [UInt8] {
        ESCPOSEncoder.encode(document(columns: profile.columnsFontA, copies: copies), profile: profile)
    }

    /// The receipt as a document for `columns` characters a line (before encoding), so it can be
    /// encoded along other paths or handed to another library (`kiosk-bench receipt-bytes`).
    public static func document(columns: Int, copies: Int) -> ReceiptDocument {
        let dossier = Dossier(
            code: "LCMA01-261123-0007-K", procedure: ProcedureRef(code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp"),
            applicant: Applicant(
                idNumber: "001095012345", name: "Nguyễn Bá Hoàng", birth: BirthDate(year: 1995, month: 3, day: 14),
                gender: "Nam", address: "Thôn 3, xã Mậu A, tỉnh Lào Cai"),
            receivedAt: Timestamp(rfc3339: "2026-11-23T09:15:02+07:00")!, dueDate: CalendarDay(iso: "2026-12-07")!,
            feeVND: 200_000, delivery: .post(address: "Thôn 3, xã Mậu A, tỉnh Lào Cai"), office: "Bưu điện xã Mậu A",
            register: RegisterEntry(book: "2026", number: 137),
            documents: [
                DossierDocument(name: "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", kind: .original, count: 1),
                DossierDocument(name: "Thẻ căn cước hoặc giấy tờ tùy thân", kind: .copy, count: 1),
            ])
        let form = ReceiptForm(
            unit: "Bưu điện tỉnh Lào Cai", place: "Lào Cai", legalDays: 10, sets: 1,
            appointmentTime: TimeOfDay(hour: 7, minute: 30)!, copies: copies)
        let receipt = IntakeReceipt(dossier: dossier, kioskId: "LC-MAUA-01", form: form)
        return receipt.document(columns: columns)
    }
}
