/// A day of the Vietnamese lunisolar calendar (âm lịch): day, month, year, and whether the
/// month is the leap (intercalary) one.
///
/// The year is numbered like the Gregorian year in which its first day (Tết) falls: lunar
/// 1/1/2026 is 2026-02-17.
public struct LunarDate: Sendable, Hashable, CustomStringConvertible {
    /// Day of the lunar month, 1...30.
    public var day: Int
    /// Lunar month, 1...12.
    public var month: Int
    /// Lunar year, numbered as the Gregorian year of its Tết.
    public var year: Int
    /// Whether the month is the leap month that repeats `month`.
    public var isLeapMonth: Bool

    /// Creates a lunar date; whether it exists is checked on conversion.
    public init(day: Int, month: Int, year: Int, isLeapMonth: Bool = false) {
        self.day = day
        self.month = month
        self.year = year
        self.isLeapMonth = isLeapMonth
    }

    /// `D/M/YYYY`, with `(leap)` after a leap month: `10/3/2026`, `15/2 (leap)/2023`.
    public var description: String { "\(day)/\(month)\(isLeapMonth ? " (leap)" : "")/\(year)" }
}

extension LunarDate {
    /// The lunar date of a Gregorian day in the Vietnamese calendar (UTC+7).
    public init(_ day: CalendarDay) { self = LunarCalendar.vietnam.lunarDate(for: day) }
}

extension CalendarDay {
    /// The Gregorian day of a Vietnamese lunar date (UTC+7); nil when it does not exist (day 30
    /// of a 29-day month, a leap month the year does not have, month outside 1...12).
    public init?(lunar date: LunarDate) {
        guard let day = LunarCalendar.vietnam.calendarDay(for: date) else { return nil }
        self = day
    }
}

/// One month of a lunar year: its number, whether it is the leap month, its first day in the
/// Gregorian calendar and its length (29 or 30 days).
public struct LunarMonth: Sendable, Hashable {
    /// Month number, 1...12.
    public var month: Int
    /// Whether this is the leap month repeating `month`.
    public var isLeapMonth: Bool
    /// Lunar year.
    public var year: Int
    /// Gregorian day of lunar day 1.
    public var firstDay: CalendarDay
    /// Number of days, 29 or 30.
    public var length: Int
}
