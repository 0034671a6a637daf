/// The Vietnamese lunisolar calendar, computed from the astronomy at a time zone (UTC+7 for
/// Vietnam since 1968; UTC+8 gives the Chinese calendar, which is why Tết 1985 and 2007 differ).
///
/// Rules, as in Hồ Ngọc Đức's description of the Vietnamese calendar:
/// - a month starts on the local day of a new moon (Meeus's true new moon, ΔT applied);
/// - month 11 is the month that contains the December solstice (the Sun reaching 270°);
/// - when 13 months run from one month 11 to the next, the first month after month 11 with no
///   major term (the Sun entering no multiple of 30° between its first and last local
///   midnight) is the leap month, and repeats the number of the month before it.
///
/// Accurate for 1900–2199 (where ΔT is well known or well modelled); the Sun's longitude is
/// good to about a quarter of an hour, so a major term within minutes of midnight could land
/// on the other day in extreme cases.
public struct LunarCalendar: Sendable, Hashable {
    /// Offset from UTC of the meridian the calendar is computed for, in seconds.
    public let utcOffsetSeconds: Int

    /// The Vietnamese calendar: UTC+7.
    public static let vietnam = LunarCalendar(utcOffsetSeconds: 7 * 3600)
    /// The Chinese calendar's time zone, UTC+8 (for comparison).
    public static let china = LunarCalendar(utcOffsetSeconds: 8 * 3600)

    /// Creates the calendar for a time zone.
    public init(utcOffsetSeconds: Int) { self.utcOffsetSeconds = utcOffsetSeconds }

    /// The lunar date of a Gregorian day.
    public func lunarDate(for day: CalendarDay) -> LunarDate {
        let n = day.daysSinceEpoch
        var span = yearSpan(from: day.year)
        if n < span.starts[0] { span = yearSpan(from: day.year - 1) }
        var index = 0
        while index + 1 < span.starts.count - 1, span.starts[index + 1] <= n { index += 1 }
        let (month, isLeap, year) = span.month(at: index)
        return LunarDate(day: n - span.starts[index] + 1, month: month, year: year, isLeapMonth: isLeap)
    }

    /// The Gregorian day of a lunar date; nil when the date does not exist.
    public func calendarDay(for date: LunarDate) -> CalendarDay? {
        guard (1...12).contains(date.month), (1...9998).contains(date.year) else { return nil }
        return calendarDay(for: date, in: yearSpan(containingMonth: date.month, ofYear: date.year))
    }

    /// The span of months that holds month `month` of lunar year `year`: months 11 and 12 follow
    /// the month 11 of the same year, months 1...10 the one before.
    func yearSpan(containingMonth month: Int, ofYear year: Int) -> YearSpan {
        yearSpan(from: month >= 11 ? year : year - 1)
    }

    /// The Gregorian day of a lunar date within a span from `yearSpan(containingMonth:ofYear:)`.
    func calendarDay(for date: LunarDate, in span: YearSpan) -> CalendarDay? {
        guard (1...12).contains(date.month), date.day >= 1 else { return nil }
        var index = (date.month + 1) % 12  // 11 -> 0, 12 -> 1, 1 -> 2, ... 10 -> 11
        if let leap = span.leapIndex {
            if date.isLeapMonth {
                guard leap == index + 1 else { return nil }
                index = leap
            } else if index >= leap {
                index += 1
            }
        } else if date.isLeapMonth {
            return nil
        }
        guard index + 1 < span.starts.count, date.day <= span.starts[index + 1] - span.starts[index] else {
            return nil
        }
        return CalendarDay(daysSinceEpoch: span.starts[index] + date.day - 1)
    }

    /// The first day (Tết Nguyên đán, lunar 1/1) of a lunar year.
    public func newYear(_ year: Int) -> CalendarDay? {
        calendarDay(for: LunarDate(day: 1, month: 1, year: year))
    }

    /// The leap month of a lunar year (the month number it repeats), or nil if it has none.
    public func leapMonth(ofYear year: Int) -> Int? {
        guard (1...9998).contains(year) else { return nil }
        // Leap 11 or 12 of `year` follow its own month 11; leap 1...10 follow the month 11 before.
        for span in [yearSpan(from: year - 1), yearSpan(from: year)] {
            guard let leap = span.leapIndex else { continue }
            let (month, _, leapYear) = span.month(at: leap)
            if leapYear == year { return month }
        }
        return nil
    }

    /// The months of a lunar year in order (12, or 13 with the leap month), each with its
    /// first day and length.
    public func months(ofYear year: Int) -> [LunarMonth] {
        guard (1...9998).contains(year) else { return [] }
        var months: [LunarMonth] = []
        for span in [yearSpan(from: year - 1), yearSpan(from: year)] {
            for index in 0..<(span.starts.count - 1) {
                let (month, isLeap, monthYear) = span.month(at: index)
                guard monthYear == year else { continue }
                months.append(
                    LunarMonth(
                        month: month, isLeapMonth: isLeap, year: year,
                        firstDay: CalendarDay(daysSinceEpoch: span.starts[index]),
                        length: span.starts[index + 1] - span.starts[index]))
            }
        }
        return months
    }

    // MARK: Months from the astronomy

    /// The months from the month 11 of Gregorian year `year` to the next month 11.
    struct YearSpan {
        /// Day numbers (days since 1970-01-01) of each month's first day, then of the next
        /// month 11's first day: 13 entries, or 14 when the span has a leap month.
        var starts: [Int]
        /// Index into `starts` of the leap month, if any.
        var leapIndex: Int?
        /// The Gregorian year of the first month 11.
        var year: Int

        /// Month number, leap flag and lunar year of the month at `index`.
        func month(at index: Int) -> (month: Int, isLeap: Bool, year: Int) {
            var counted = index
            var isLeap = false
            if let leap = leapIndex, index >= leap {
                counted -= 1
                isLeap = index == leap
            }
            let month = (counted + 10) % 12 + 1  // 0 -> 11, 1 -> 12, 2 -> 1, ...
            return (month, isLeap, counted <= 1 ? year : year + 1)
        }
    }

    func yearSpan(from year: Int) -> YearSpan {
        let first = monthElevenLunation(ofYear: year)
        let last = monthElevenLunation(ofYear: year + 1)
        let starts = (first...max(first, last)).map(newMoonDay)
        var leapIndex: Int?
        if starts.count == 14 {
            // The first month after month 11 with no major term; 13 months always hold one.
            var sector = majorTermSector(atStartOf: starts[1])
            for index in 1..<13 {
                let next = majorTermSector(atStartOf: starts[index + 1])
                if next == sector {
                    leapIndex = index
                    break
                }
                sector = next
            }
            if leapIndex == nil { leapIndex = 12 }  // not reached by the astronomy; keeps 13 months named
        }
        return YearSpan(starts: starts, leapIndex: leapIndex, year: year)
    }

    /// The lunation whose month contains the December solstice of `year`: the last new moon
    /// day on or before 31 December whose first midnight has the Sun before 270°.
    func monthElevenLunation(ofYear year: Int) -> Int {
        let december31 = (CalendarDay(year: year, month: 12, day: 31) ?? CalendarDay(daysSinceEpoch: 0)).daysSinceEpoch
        let estimate = (Double(december31) + 2440587.5 - LunarAstronomy.lunationZero) / LunarAstronomy.synodicMonth
        var k = Int(estimate.rounded(.down)) + 1
        while newMoonDay(k) > december31 { k -= 1 }
        // A month starting at or after the solstice (Sun at 270° or more) is month 12's; step back.
        for _ in 0..<3 where majorTermSector(atStartOf: newMoonDay(k)) >= 9 { k -= 1 }
        return k
    }

    /// Day number (days since 1970-01-01) of the local day of new moon `k`.
    func newMoonDay(_ k: Int) -> Int {
        let jde = LunarAstronomy.newMoon(k)
        let jd = jde - LunarAstronomy.deltaTDays(atJulianDay: jde)
        let local = jd + Double(utcOffsetSeconds) / 86400
        // JD 2440587.5 is 1970-01-01 00:00 UT.
        return Int((local - 2440587.5).rounded(.down))
    }

    /// Which 30° sector (0...11) of longitude the Sun is in at the local midnight that begins
    /// the day `dayNumber`; a month holds a major term when its first day and the next month's
    /// first day are in different sectors.
    func majorTermSector(atStartOf dayNumber: Int) -> Int {
        let jd = Double(dayNumber) + 2440587.5 - Double(utcOffsetSeconds) / 86400
        let jde = jd + LunarAstronomy.deltaTDays(atJulianDay: jd)
        return Int((LunarAstronomy.sunLongitude(jde) / 30).rounded(.down)) % 12
    }
}
