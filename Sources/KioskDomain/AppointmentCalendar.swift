/// Working days and appointment dates for dossiers. See `docs/appointment-dates.md`.
///
/// A working day is Monday to Friday, not a public holiday and not an extra holiday, or any
/// day listed as an extra working day (a government swap: a Saturday worked to bridge a
/// holiday). The rule for receipt: a dossier received on a working day before the cut-off
/// (default 16:30 local time) counts as received that day; one received at or after the
/// cut-off, or on a day that is not a working day, counts as received on the next working day.
/// The count starts on the working day after that; the appointment is the last day counted.
/// Zero working days gives the day of receipt itself.
public struct AppointmentCalendar: Sendable {
    /// The public holiday rules.
    public var holidays: PublicHolidays
    /// Seconds after local midnight from which a dossier counts as received the next working
    /// day. Default 16:30 (59 400 s).
    public var cutOffSecondOfDay: Int

    /// The default cut-off, 16:30.
    public static let defaultCutOff = 16 * 3600 + 30 * 60
    /// Most working days an appointment may count; larger values are treated as this.
    public static let maximumWorkingDays = 3660

    /// Creates a calendar.
    public init(holidays: PublicHolidays = PublicHolidays(), cutOffSecondOfDay: Int = AppointmentCalendar.defaultCutOff)
    {
        self.holidays = holidays
        self.cutOffSecondOfDay = cutOffSecondOfDay
    }

    /// Whether a day is a working day.
    public func isWorkingDay(
        _ day: CalendarDay, extraHolidays: Set<CalendarDay> = [], extraWorkingDays: Set<CalendarDay> = []
    ) -> Bool {
        var cache = HolidayCache(holidays: holidays)
        return isWorkingDay(day, extraHolidays: extraHolidays, extraWorkingDays: extraWorkingDays, cache: &cache)
    }

    /// The day a dossier counts as received on: the local day of `receivedAt` when that is a
    /// working day and the time is before the cut-off, otherwise the next working day.
    public func effectiveReceiptDay(
        receivedAt: Timestamp, cutOffSecondOfDay: Int? = nil, extraHolidays: Set<CalendarDay> = [],
        extraWorkingDays: Set<CalendarDay> = []
    ) -> CalendarDay {
        var cache = HolidayCache(holidays: holidays)
        return effectiveReceiptDay(
            receivedAt: receivedAt, cutOff: cutOffSecondOfDay ?? self.cutOffSecondOfDay, extraHolidays: extraHolidays,
            extraWorkingDays: extraWorkingDays, cache: &cache)
    }

    /// The appointment day for a dossier received at `receivedAt` whose procedure takes
    /// `workingDays` working days (negative counts as 0, more than `maximumWorkingDays` as that).
    /// `cutOffSecondOfDay`, when given, replaces the calendar's cut-off for this dossier (a
    /// procedure's `SameDayCutoff=`).
    public func appointmentDate(
        receivedAt: Timestamp, workingDays: Int, cutOffSecondOfDay: Int? = nil, extraHolidays: Set<CalendarDay> = [],
        extraWorkingDays: Set<CalendarDay> = []
    ) -> CalendarDay {
        var cache = HolidayCache(holidays: holidays)
        var day = effectiveReceiptDay(
            receivedAt: receivedAt, cutOff: cutOffSecondOfDay ?? self.cutOffSecondOfDay, extraHolidays: extraHolidays,
            extraWorkingDays: extraWorkingDays, cache: &cache)
        var remaining = min(max(workingDays, 0), AppointmentCalendar.maximumWorkingDays)
        while remaining > 0 {
            day = day.adding(days: 1)
            if isWorkingDay(day, extraHolidays: extraHolidays, extraWorkingDays: extraWorkingDays, cache: &cache) {
                remaining -= 1
            }
        }
        return day
    }

    private func effectiveReceiptDay(
        receivedAt: Timestamp, cutOff: Int, extraHolidays: Set<CalendarDay>, extraWorkingDays: Set<CalendarDay>,
        cache: inout HolidayCache
    ) -> CalendarDay {
        var day = receivedAt.localDay
        let counts = isWorkingDay(day, extraHolidays: extraHolidays, extraWorkingDays: extraWorkingDays, cache: &cache)
        if counts && receivedAt.localSecondOfDay < cutOff { return day }
        // Bounded: a year has far fewer than 400 consecutive days off; stop anyway if the
        // extra holidays say otherwise, rather than loop.
        for _ in 0..<400 {
            day = day.adding(days: 1)
            if isWorkingDay(day, extraHolidays: extraHolidays, extraWorkingDays: extraWorkingDays, cache: &cache) {
                break
            }
        }
        return day
    }

    private func isWorkingDay(
        _ day: CalendarDay, extraHolidays: Set<CalendarDay>, extraWorkingDays: Set<CalendarDay>,
        cache: inout HolidayCache
    ) -> Bool {
        if extraWorkingDays.contains(day) { return true }
        if day.isoWeekday >= 6 || extraHolidays.contains(day) { return false }
        return !cache.isHoliday(day)
    }
}

/// Public holidays per year, computed once per call (the lunar ones take a few microseconds).
private struct HolidayCache {
    let holidays: PublicHolidays
    var byYear: [Int: Set<CalendarDay>] = [:]

    init(holidays: PublicHolidays) { self.holidays = holidays }

    mutating func isHoliday(_ day: CalendarDay) -> Bool {
        if let days = byYear[day.year] { return days.contains(day) }
        let days = holidays.days(inYear: day.year)
        byYear[day.year] = days
        return days.contains(day)
    }
}
