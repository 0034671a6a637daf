/// Vietnam's public holidays under the Labour Code 2019 (article 112), as the appointment
/// calendar skips them. See `docs/appointment-dates.md`.
///
/// - Tết Dương lịch: 1 January.
/// - Tết Âm lịch: five days; the government picks them each year. Default: the eve (the last
///   day of the lunar year, 29 or 30 of month 12) and lunar 1/1 to 4/1 (`tetDays = -1...3`).
/// - Giỗ Tổ Hùng Vương: lunar 10/3.
/// - Victory day 30 April and Labour day 1 May.
/// - National day 2 September and one day before or after it, decided by the government
///   each year. Default (`byWeekday`): the day that joins the weekend or makes a bridge with
///   it — 2/9 on Monday → 3/9; Tuesday → 1/9; Wednesday → 1/9; Thursday → 3/9; Friday,
///   Saturday → 1/9; Sunday → 3/9 (the choices of 2021–2025).
/// - Compensation days (nghỉ bù, Labour Code art. 111(3)): a holiday that falls on a Saturday
///   or Sunday gives the next working day off (`compensationDays`, default on).
///
/// Day swaps, and any year whose announcement differs from these rules, come from the
/// `Holidays=` file as extra days off and extra working days, which override these rules.
public struct PublicHolidays: Sendable, Hashable {
    /// Which day goes with National day (2 September).
    public enum NationalDayCompanion: Sendable, Hashable {
        /// 1 September.
        case dayBefore
        /// 3 September.
        case dayAfter
        /// By 2 September's weekday (see the type's notes).
        case byWeekday

        /// The companion day chosen for a year.
        public func day(inYear year: Int) -> CalendarDay? {
            guard let national = CalendarDay(year: year, month: 9, day: 2) else { return nil }
            let after: Bool
            switch self {
            case .dayBefore: after = false
            case .dayAfter: after = true
            // Mon, Thu and Sun take 3/9; Tue, Wed, Fri and Sat take 1/9.
            case .byWeekday: after = [1, 4, 7].contains(national.isoWeekday)
            }
            return national.adding(days: after ? 1 : -1)
        }
    }

    /// What a holiday is for.
    public enum Occasion: String, Sendable, Hashable, CaseIterable {
        /// 1 January.
        case newYear = "Tết Dương lịch"
        /// The days of the lunar new year.
        case tet = "Tết Nguyên đán"
        /// Lunar 10/3.
        case hungKings = "Giỗ Tổ Hùng Vương"
        /// 30 April.
        case reunification = "Ngày Chiến thắng"
        /// 1 May.
        case labour = "Ngày Quốc tế Lao động"
        /// 2 September and its companion day.
        case nationalDay = "Quốc khánh"
        /// The working day given off for a holiday that fell on a weekend.
        case compensation = "Nghỉ bù"
    }

    /// One holiday: the day and what it is for.
    public struct Holiday: Sendable, Hashable {
        /// The day off.
        public var day: CalendarDay
        /// What it is for.
        public var occasion: Occasion
    }

    /// The day that goes with 2 September, unless a year is listed in `nationalDayCompanionByYear`.
    public var nationalDayCompanion: NationalDayCompanion
    /// Per-year choice of the day that goes with 2 September.
    public var nationalDayCompanionByYear: [Int: NationalDayCompanion]
    /// The days of Tết, relative to lunar 1/1 (-1 is the eve). Default `-1...3`.
    public var tetDays: ClosedRange<Int>
    /// The lunar calendar used for Tết and Giỗ Tổ.
    public var lunarCalendar: LunarCalendar
    /// Whether a holiday on a Saturday or Sunday gives the next working day off.
    public var compensationDays: Bool

    /// Creates the holiday rules; the defaults are the usual choices (see the type's notes).
    public init(
        nationalDayCompanion: NationalDayCompanion = .byWeekday,
        nationalDayCompanionByYear: [Int: NationalDayCompanion] = [:], tetDays: ClosedRange<Int> = -1...3,
        lunarCalendar: LunarCalendar = .vietnam, compensationDays: Bool = true
    ) {
        self.nationalDayCompanion = nationalDayCompanion
        self.nationalDayCompanionByYear = nationalDayCompanionByYear
        self.tetDays = tetDays
        self.lunarCalendar = lunarCalendar
        self.compensationDays = compensationDays
    }

    /// The holidays falling in a Gregorian year, in date order.
    public func holidays(inYear year: Int) -> [Holiday] {
        var list: [Holiday] = []
        func add(_ month: Int, _ day: Int, _ occasion: Occasion) {
            if let d = CalendarDay(year: year, month: month, day: day) {
                list.append(Holiday(day: d, occasion: occasion))
            }
        }
        add(1, 1, .newYear)
        add(4, 30, .reunification)
        add(5, 1, .labour)
        add(9, 2, .nationalDay)
        if let companion = (nationalDayCompanionByYear[year] ?? nationalDayCompanion).day(inYear: year) {
            add(companion.month, companion.day, .nationalDay)
        }
        // Tết of lunar year `year` is in late January or February of `year` (never before
        // 21 January), and so is the span of months holding Giỗ Tổ: one computation for both.
        // Tết of `year + 1` matters only when the chosen days start 21 or more days before it.
        if (1...9998).contains(year) {
            let span = lunarCalendar.yearSpan(containingMonth: 1, ofYear: year)
            var tets = [lunarCalendar.calendarDay(for: LunarDate(day: 1, month: 1, year: year), in: span)]
            if tetDays.lowerBound <= -21 { tets.append(lunarCalendar.newYear(year + 1)) }
            for tet in tets.compactMap({ $0 }) {
                for offset in tetDays {
                    let day = tet.adding(days: offset)
                    if day.year == year { list.append(Holiday(day: day, occasion: .tet)) }
                }
            }
            if let hungKings = lunarCalendar.calendarDay(for: LunarDate(day: 10, month: 3, year: year), in: span) {
                list.append(Holiday(day: hungKings, occasion: .hungKings))
            }
        }
        var seen = Set<CalendarDay>()
        let holidays = list.sorted { $0.day < $1.day }.filter { seen.insert($0.day).inserted }
        guard compensationDays else { return holidays }
        // Each weekend holiday, in date order, takes the first weekday after it that is neither a
        // holiday nor already taken (two weekend holidays in a row give two days).
        var compensations: [Holiday] = []
        for holiday in holidays where holiday.day.isoWeekday >= 6 {
            var day = holiday.day.adding(days: 1)
            while day.isoWeekday >= 6 || seen.contains(day) { day = day.adding(days: 1) }
            seen.insert(day)
            if day.year == year { compensations.append(Holiday(day: day, occasion: .compensation)) }
        }
        return (holidays + compensations).sorted { $0.day < $1.day }
    }

    /// The holiday days of a Gregorian year.
    public func days(inYear year: Int) -> Set<CalendarDay> { Set(holidays(inYear: year).map(\.day)) }

    /// Whether a day is a public holiday.
    public func isHoliday(_ day: CalendarDay) -> Bool { days(inYear: day.year).contains(day) }
}
