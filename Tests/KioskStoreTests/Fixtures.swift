import KioskDomain
import KioskStore

/// Sample data for store tests: a Yên Bái dossier with every personal field filled.
enum Fixtures {
    static let applicantName = "Nguyễn Bá Hoàng"
    static let idNumber = "001094012345"
    static let address = "Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"
    static let deliveryAddress = "Số 7 đường Điện Biên, TP Yên Bái"

    static func time(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    static func dossier(code: String, receivedAt: Timestamp) -> Dossier {
        Dossier(
            code: code, procedure: ProcedureRef(code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp"),
            applicant: Applicant(
                idNumber: idNumber, name: applicantName, birthDate: CalendarDay(iso: "1995-03-14"), gender: "Nam",
                address: address),
            receivedAt: receivedAt, dueDate: CalendarDay(iso: "2026-11-28")!, feeVND: 200_000,
            delivery: .post(address: deliveryAddress), office: "Bưu điện huyện Văn Yên")
    }

    /// The bytes a real `dossier.received` event would carry, plus bytes that are not UTF-8
    /// so a round trip that re-encodes would be caught.
    static func eventData(code: String) -> [UInt8] {
        Array("{\"code\":\"\(code)\",\"applicant\":{\"name\":\"\(applicantName)\",\"idNumber\":\"\(idNumber)\"}}".utf8)
            + [0x00, 0xff, 0xfe, 0x80]
    }

    /// Code from day and sequence, as the intake flow builds it.
    static func code(day: CalendarDay, sequence: Int) -> String {
        let seq = String(repeating: "0", count: max(0, 4 - String(sequence).count)) + String(sequence)
        return "YBVY01-\(day.description)-\(seq)-K"
    }

    /// Records an intake received at `receivedAt` (with its receipt claimed `sending`, as the
    /// service does, when `claimingReceipt`); returns the record.
    @discardableResult
    static func intake(_ store: KioskStore, receivedAt: Timestamp, claimingReceipt: Bool = false) async throws
        -> IntakeRecord
    {
        let day = receivedAt.localDay
        return try await store.recordIntake(day: day, claimingReceipt: claimingReceipt) { sequence in
            let code = Fixtures.code(day: day, sequence: sequence)
            return IntakeDraft(
                dossier: Fixtures.dossier(code: code, receivedAt: receivedAt),
                eventData: Fixtures.eventData(code: code),
                printJob: PrintJobDraft(kind: "intake-receipt", payload: Array("receipt \(code)".utf8) + [0x1b, 0x40]))
        }
    }
}
