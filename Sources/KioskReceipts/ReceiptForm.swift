import KioskConfig
import KioskDomain

/// What the national intake receipt (Mẫu 01, Circular 01/2018/TT-VPCP, kept under Decree
/// 118/2025/NĐ-CP) needs beyond the dossier: who receives, where, the legal time limit, the
/// number of sets, when results are handed back, and how many copies.
package struct ReceiptForm: Sendable, Equatable {
    /// The receiving unit's line (`[Kiosk] Unit=`, default the office).
    var unit: String
    /// The place in "<place>, ngày … tháng … năm …" (`[Kiosk] Place=`), if set.
    var place: String?
    /// The legal processing time, working days (`LegalDays=`).
    var legalDays: Int
    /// Sets of the dossier (`Sets=`).
    var sets: Int
    /// The time of day printed with the appointment date.
    var appointmentTime: TimeOfDay
    /// 1, or 2 for "Liên 1" and "Liên 2" with a cut between (`[Kiosk] Copies=`).
    var copies: Int

    /// The form for a procedure at this kiosk. The appointment is at the office's opening
    /// time; for a same-day procedure (`Days=0`) at its closing time.
    package init(kiosk: KioskConfiguration.Kiosk, procedure: Procedure) {
        unit = kiosk.unit ?? kiosk.office
        place = kiosk.place
        legalDays = procedure.legalDays
        sets = procedure.sets
        appointmentTime = procedure.workingDays == 0 ? kiosk.officeHours.upperBound : kiosk.officeHours.lowerBound
        copies = kiosk.receiptCopies
    }

    /// A form with every value given (tests, benchmarks).
    package init(unit: String, place: String?, legalDays: Int, sets: Int, appointmentTime: TimeOfDay, copies: Int) {
        self.unit = unit
        self.place = place
        self.legalDays = legalDays
        self.sets = sets
        self.appointmentTime = appointmentTime
        self.copies = copies
    }
}
