/// Why the kiosk refused what was scanned, as a front end shows it and the log records it.
///
/// The English `description` is for logs and the control socket; `vietnamese` is what the
/// kiosk's screen or slip tells the citizen. Neither repeats personal data. Each says what to
/// do: a misread scan → scan again; an ID card read well but unusable at the kiosk
/// (`id-card-unusable`) → go to the counter ("Vui lòng đến quầy"), with the reason for the clerk
/// in `description`, never a rescan loop.
public enum SessionRefusal: Sendable, Equatable, CustomStringConvertible {
    /// The scan could not be read as anything the kiosk knows.
    case invalidScan(ScanRejection)
    /// A procedure code was scanned before an ID card.
    case idCardFirst
    /// The procedure code is not in this kiosk's catalog.
    case unknownProcedure(code: String)
    /// An intake is waiting for its procedure; this scan does not fit.
    case procedureExpected(got: String)
    /// Counter mode waits for an S10 label or an ID card after a tracking code.
    case postalItemOrIdCardExpected(got: String)
    /// This scan only makes sense at the counter (clerk mode).
    case clerkOnly(kind: String)
    /// Not accepted in clerk mode.
    case notInClerkMode(kind: String)
    /// Technician codes are switched off (`[Control] TechnicianCodes=no`).
    case technicianCodesDisabled
    /// The printer is being calibrated (`KIOSK:CALIBRATE`): only the sheet's barcodes and
    /// `KIOSK:CANCEL` are taken until it is done.
    case calibrationAnswerExpected(got: String)
    /// The printer cannot print, so no dossier is taken (there would be no receipt).
    case printerUnavailable(reason: String)
    /// The tracking code is not a dossier of this kiosk.
    case unknownDossier(code: String)
    /// The ID card presented at hand-back is not the applicant's.
    case idCardMismatch
    /// The day's tracking-code numbers are used up (99,999 intakes in one day).
    case dailyLimitReached
    /// The kiosk could not record the intake (database error); nothing was written.
    case storeFailure(reason: String)

    /// A short machine-readable name for front ends: `printer-unavailable`, `id-card-first`, …
    public var code: String {
        switch self {
        case .invalidScan(.idCard(let problem)) where !problem.isMisread: "id-card-unusable"
        case .invalidScan: "invalid-scan"
        case .idCardFirst: "id-card-first"
        case .unknownProcedure: "unknown-procedure"
        case .procedureExpected: "procedure-expected"
        case .postalItemOrIdCardExpected: "postal-item-or-id-card-expected"
        case .clerkOnly: "clerk-only"
        case .notInClerkMode: "not-in-clerk-mode"
        case .technicianCodesDisabled: "technician-codes-disabled"
        case .calibrationAnswerExpected: "calibration-answer-expected"
        case .printerUnavailable: "printer-unavailable"
        case .unknownDossier: "unknown-dossier"
        case .idCardMismatch: "id-card-mismatch"
        case .dailyLimitReached: "daily-limit-reached"
        case .storeFailure: "store-failure"
        }
    }

    /// English, for logs and the control socket.
    public var description: String {
        switch self {
        case .invalidScan(.idCard(let problem)) where !problem.isMisread:
            "ID card read but not usable at the kiosk, send the citizen to the counter: \(problem)"
        case .invalidScan(let rejection): "scan not recognised: \(rejection)"
        case .idCardFirst: "scan the ID card first, then the procedure"
        case .unknownProcedure(let code): "procedure \(code) is not in this kiosk's catalog"
        case .procedureExpected(let kind): "a procedure code was expected, got \(kind)"
        case .postalItemOrIdCardExpected(let kind): "an S10 label or the applicant's ID card was expected, got \(kind)"
        case .clerkOnly(let kind): "\(kind) is accepted only in counter mode (scan KIOSK:CLERK)"
        case .notInClerkMode(let kind): "\(kind) is not accepted in counter mode (scan KIOSK:CLERK to leave it)"
        case .technicianCodesDisabled: "technician codes are disabled ([Control] TechnicianCodes=no)"
        case .calibrationAnswerExpected(let kind):
            "the printer is being calibrated: scan a barcode of the calibration sheet or KIOSK:CANCEL, got \(kind)"
        case .printerUnavailable(let reason): "printer cannot print: \(reason)"
        case .unknownDossier(let code): "no dossier \(code) at this kiosk"
        case .idCardMismatch: "the ID card is not the applicant's"
        case .dailyLimitReached: "today's tracking numbers are used up"
        case .storeFailure(let reason): "could not record: \(reason)"
        }
    }

    /// What the kiosk tells the citizen, in Vietnamese.
    public var vietnamese: String {
        switch self {
        case .invalidScan(.idCard(let problem)) where !problem.isMisread:
            "Ki-ốt không tiếp nhận được hồ sơ với thẻ này. Vui lòng đến quầy để được hỗ trợ."
        case .invalidScan: "Không đọc được mã. Vui lòng quét lại."
        case .idCardFirst: "Vui lòng quét mã QR trên thẻ căn cước trước, sau đó quét mã thủ tục."
        case .unknownProcedure: "Thủ tục này chưa được nhận tại đây. Vui lòng hỏi nhân viên bưu điện."
        case .procedureExpected: "Vui lòng quét mã thủ tục trên bảng danh mục."
        case .postalItemOrIdCardExpected: "Vui lòng quét mã bưu gửi hoặc thẻ căn cước của người nộp."
        case .clerkOnly: "Chức năng này dành cho nhân viên tại quầy."
        case .notInClerkMode: "Đang ở chế độ quầy. Quét KIOSK:CLERK để thoát."
        case .technicianCodesDisabled: "Mã kỹ thuật chưa được bật."
        case .calibrationAnswerExpected: "Máy in đang được hiệu chỉnh. Vui lòng chờ nhân viên kỹ thuật."
        case .printerUnavailable: "Máy in đang gặp sự cố, chưa thể nhận hồ sơ. Vui lòng báo nhân viên bưu điện."
        case .unknownDossier: "Không tìm thấy hồ sơ với mã này."
        case .idCardMismatch: "Thẻ căn cước không khớp với người nộp hồ sơ."
        case .dailyLimitReached: "Đã hết số tiếp nhận trong ngày. Vui lòng quay lại ngày mai."
        case .storeFailure: "Không ghi nhận được hồ sơ. Vui lòng báo nhân viên bưu điện."
        }
    }
}
