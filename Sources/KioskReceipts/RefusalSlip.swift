import ESCPOS
import KioskDomain

/// The short slip that tells a citizen, at a kiosk without a buzzer, that a scan was refused:
/// what happened and what to do, in Vietnamese. No personal data, no tracking code of
/// someone else: only the refusal, the kiosk and the time.
///
/// Which refusals print one is decided by `prints(for:)` (docs/refusals.md): those that end
/// the citizen's attempt and send them somewhere else. Mistyped or out-of-order scans do not
/// (the citizen simply scans again; a slip for each would waste paper, and a scanner
/// repeating garbage would print a stream of them).
package struct RefusalSlip {
    var refusal: SessionRefusal
    var kioskId: String
    var printedAt: Timestamp

    /// The slip for `refusal` at this kiosk and time.
    package init(refusal: SessionRefusal, kioskId: String, printedAt: Timestamp) {
        self.refusal = refusal
        self.kioskId = kioskId
        self.printedAt = printedAt
    }

    /// Whether `refusal` prints a slip where there is no buzzer.
    package static func prints(for refusal: SessionRefusal) -> Bool {
        switch refusal {
        case .storeFailure, .dailyLimitReached, .unknownProcedure, .unknownDossier: true
        case .invalidScan, .idCardFirst, .procedureExpected, .postalItemOrIdCardExpected, .clerkOnly, .notInClerkMode,
            .technicianCodesDisabled, .calibrationAnswerExpected, .printerUnavailable, .idCardMismatch:
            false
        }
    }

    /// The headline: what happened.
    var headline: String {
        switch refusal {
        case .storeFailure: "Ki-ốt tạm ngừng nhận hồ sơ"
        case .dailyLimitReached: "Ki-ốt đã nhận đủ hồ sơ hôm nay"
        case .unknownProcedure: "Thủ tục chưa nhận tại ki-ốt"
        case .unknownDossier: "Không tìm thấy hồ sơ"
        default: "Chưa thực hiện được"
        }
    }

    /// What to do next.
    var advice: String {
        switch refusal {
        case .storeFailure: "Hồ sơ của bạn chưa được ghi nhận. Vui lòng đến quầy để được tiếp nhận."
        case .dailyLimitReached: "Vui lòng đến quầy hoặc quay lại vào ngày làm việc tiếp theo."
        case .unknownProcedure: "Vui lòng đến quầy để được hướng dẫn nộp hồ sơ thủ tục này."
        case .unknownDossier: "Mã này không phải của ki-ốt này. Vui lòng đến quầy để tra cứu."
        default: refusal.vietnamese
        }
    }

    package func document(columns: Int) -> ReceiptDocument {
        var doc = ReceiptDocument()
        doc.text("THÔNG BÁO", TextStyle(bold: true, alignment: .center))
        doc.text(ReceiptText.wrap(headline, columns: columns), TextStyle(bold: true, alignment: .center))
        doc.elements.append(.feed(1))
        doc.text(ReceiptText.wrap(advice, columns: columns))
        doc.elements.append(.feed(1))
        doc.text("Ki-ốt \(kioskId) - " + ReceiptText.time(printedAt), TextStyle(alignment: .center, font: .b))
        doc.elements.append(.cut)
        return doc
    }
}
