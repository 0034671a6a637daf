import Testing

@testable import KioskDomain

@Suite struct LunarCalendarTests {
    static func day(_ iso: String) -> CalendarDay { CalendarDay(iso: iso)! }

    /// Published dates of Tết Nguyên đán in Vietnam, 1985–2030. Where Vietnam differs from
    /// China (1985, 2007, 2030) the Chinese date is in `chineseNewYearWhereDifferent`.
    /// Sources: Vietnamese government holiday announcements; Hồ Ngọc Đức's Vietnamese calendar
    /// tables; scienceinfo.net "Why is the Vietnamese and Chinese New Year a day different?"
    /// (Vietnam celebrates Tết a day earlier than China in 2030 and 2053).
    static let vietnameseNewYear: [Int: String] = [
        1985: "1985-01-21", 1986: "1986-02-09", 1987: "1987-01-29", 1988: "1988-02-17", 1989: "1989-02-06",
        1990: "1990-01-27", 1991: "1991-02-15", 1992: "1992-02-04", 1993: "1993-01-23", 1994: "1994-02-10",
        1995: "1995-01-31", 1996: "1996-02-19", 1997: "1997-02-07", 1998: "1998-01-28", 1999: "1999-02-16",
        2000: "2000-02-05", 2001: "2001-01-24", 2002: "2002-02-12", 2003: "2003-02-01", 2004: "2004-01-22",
        2005: "2005-02-09", 2006: "2006-01-29", 2007: "2007-02-17", 2008: "2008-02-07", 2009: "2009-01-26",
        2010: "2010-02-14", 2011: "2011-02-03", 2012: "2012-01-23", 2013: "2013-02-10", 2014: "2014-01-31",
        2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16", 2019: "2019-02-05",
        2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01", 2023: "2023-01-22", 2024: "2024-02-10",
        2025: "2025-01-29", 2026: "2026-02-17", 2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13",
        2030: "2030-02-02",
    ]

    /// Chinese New Year where it is not Vietnam's Tết (1968: North Vietnam had switched to
    /// UTC+7, the South had not, hence the two dates of the Tết offensive).
    static let chineseNewYearWhereDifferent: [Int: String] = [
        1968: "1968-01-30", 1985: "1985-02-20", 2007: "2007-02-18", 2030: "2030-02-03", 2053: "2053-02-19",
    ]

    @Test func tetMatchesThePublishedVietnameseDates() {
        #expect(Self.vietnameseNewYear.count == 46)
        for (year, iso) in Self.vietnameseNewYear {
            #expect(LunarCalendar.vietnam.newYear(year) == Self.day(iso), "Tết \(year)")
            #expect(CalendarDay(lunar: LunarDate(day: 1, month: 1, year: year)) == Self.day(iso))
        }
        #expect(LunarCalendar.vietnam.newYear(1968) == Self.day("1968-01-29"))
        #expect(LunarCalendar.vietnam.newYear(2053) == Self.day("2053-02-18"))
    }

    @Test func chineseTimeZoneGivesTheChineseDates() {
        for (year, iso) in Self.chineseNewYearWhereDifferent {
            #expect(LunarCalendar.china.newYear(year) == Self.day(iso), "China \(year)")
            #expect(LunarCalendar.vietnam.newYear(year) != Self.day(iso))
        }
        for (year, iso) in Self.vietnameseNewYear where Self.chineseNewYearWhereDifferent[year] == nil {
            #expect(LunarCalendar.china.newYear(year) == Self.day(iso), "China \(year)")
        }
    }

    /// Giỗ Tổ Hùng Vương (lunar 10/3) as announced for the public holiday.
    @Test func hungKingsDay() {
        let published = [
            2017: "2017-04-06", 2018: "2018-04-25", 2019: "2019-04-14", 2020: "2020-04-02", 2021: "2021-04-21",
            2022: "2022-04-10", 2023: "2023-04-29", 2024: "2024-04-18", 2025: "2025-04-07", 2026: "2026-04-26",
        ]
        for (year, iso) in published {
            #expect(CalendarDay(lunar: LunarDate(day: 10, month: 3, year: year)) == Self.day(iso), "Giỗ Tổ \(year)")
        }
    }

    @Test func leapMonths() {
        let vn = LunarCalendar.vietnam
        let leaps = [2001: 4, 2004: 2, 2006: 7, 2009: 5, 2012: 4, 2014: 9, 2017: 6, 2020: 4, 2023: 2, 2025: 6, 2028: 5]
        for (year, month) in leaps { #expect(vn.leapMonth(ofYear: year) == month, "\(year)") }
        for year in [2018, 2019, 2021, 2022, 2024, 2026, 2027] { #expect(vn.leapMonth(ofYear: year) == nil, "\(year)") }
        // 1995: leap month 8 began a day earlier in Vietnam (new moon at 23:55 UTC+7).
        #expect(
            vn.calendarDay(for: LunarDate(day: 1, month: 8, year: 1995, isLeapMonth: true)) == Self.day("1995-09-24"))
        #expect(
            LunarCalendar.china.calendarDay(for: LunarDate(day: 1, month: 8, year: 1995, isLeapMonth: true))
                == Self.day("1995-09-25"))
        // 2033: the rare leap month 11; 2148: a leap first month (two lunar 1/1).
        #expect(vn.leapMonth(ofYear: 2033) == 11)
        #expect(
            vn.calendarDay(for: LunarDate(day: 1, month: 11, year: 2033, isLeapMonth: true)) == Self.day("2033-12-22"))
        #expect(vn.newYear(2148) == Self.day("2148-01-21"))
        #expect(
            vn.calendarDay(for: LunarDate(day: 1, month: 1, year: 2148, isLeapMonth: true)) == Self.day("2148-02-20"))
    }

    @Test func convertsKnownDays() {
        #expect(LunarDate(Self.day("2026-11-21")) == LunarDate(day: 13, month: 10, year: 2026))
        #expect(LunarDate(Self.day("2026-02-16")) == LunarDate(day: 29, month: 12, year: 2025))  // eve of Tết 2026
        #expect(LunarDate(Self.day("2023-04-05")) == LunarDate(day: 15, month: 2, year: 2023, isLeapMonth: true))
        #expect(LunarDate(Self.day("2023-03-05")) == LunarDate(day: 14, month: 2, year: 2023))
        #expect(LunarDate(day: 15, month: 2, year: 2023, isLeapMonth: true).description == "15/2 (leap)/2023")
    }

    @Test func refusesDatesThatDoNotExist() {
        #expect(CalendarDay(lunar: LunarDate(day: 1, month: 13, year: 2026)) == nil)
        #expect(CalendarDay(lunar: LunarDate(day: 0, month: 1, year: 2026)) == nil)
        #expect(CalendarDay(lunar: LunarDate(day: 31, month: 1, year: 2026)) == nil)
        // No leap month in 2026; 2023's leap month is the 2nd.
        #expect(CalendarDay(lunar: LunarDate(day: 1, month: 3, year: 2026, isLeapMonth: true)) == nil)
        #expect(CalendarDay(lunar: LunarDate(day: 1, month: 3, year: 2023, isLeapMonth: true)) == nil)
        // Month 12 of 2025 (the eve of Tết 2026 is the 29th) has 29 days.
        #expect(CalendarDay(lunar: LunarDate(day: 30, month: 12, year: 2025)) == nil)
        #expect(CalendarDay(lunar: LunarDate(day: 1, month: 1, year: 0)) == nil)
    }

    /// Every month of every lunar year 1900–2199: 29 or 30 days, months follow each other
    /// without gap, 12 or 13 months a year, month numbers in order with the leap month right
    /// after the month it repeats, and Tết in late January or February.
    @Test func everyMonthOf1900To2199IsWellFormed() {
        let vn = LunarCalendar.vietnam
        var previous: LunarMonth?
        for year in 1900...2199 {
            let months = vn.months(ofYear: year)
            #expect(months.count == 12 || months.count == 13, "\(year)")
            #expect(months.filter(\.isLeapMonth).count == months.count - 12, "\(year)")
            #expect(months.filter { !$0.isLeapMonth }.map(\.month) == Array(1...12), "\(year)")
            if let leap = months.firstIndex(where: \.isLeapMonth) {
                #expect(leap > 0 && months[leap - 1].month == months[leap].month)
                #expect(vn.leapMonth(ofYear: year) == months[leap].month)
            }
            let tet = months[0].firstDay
            #expect(
                tet >= CalendarDay(year: year, month: 1, day: 20)! && tet <= CalendarDay(year: year, month: 2, day: 21)!
            )
            for month in months {
                #expect(month.length == 29 || month.length == 30, "\(year)/\(month.month)")
                if let before = previous { #expect(month.firstDay == before.firstDay.adding(days: before.length)) }
                previous = month
            }
        }
    }

    /// Both ends of every month convert both ways, for every tenth year of 1900–2199 and every
    /// year of 1985–2035.
    @Test func monthEndsRoundTrip() {
        let vn = LunarCalendar.vietnam
        for year in Array(stride(from: 1900, through: 2199, by: 10)) + Array(1985...2035) {
            for month in vn.months(ofYear: year) {
                let first = LunarDate(day: 1, month: month.month, year: year, isLeapMonth: month.isLeapMonth)
                var last = first
                last.day = month.length
                var beyond = first
                beyond.day = month.length + 1
                #expect(vn.calendarDay(for: first) == month.firstDay)
                #expect(vn.calendarDay(for: last) == month.firstDay.adding(days: month.length - 1))
                #expect(month.length == 30 || vn.calendarDay(for: beyond) == nil)
                #expect(vn.lunarDate(for: month.firstDay) == first)
                #expect(vn.lunarDate(for: month.firstDay.adding(days: month.length - 1)) == last)
            }
        }
    }

    /// Every day of 2025–2026 converts to a lunar date and back.
    @Test func everyDayRoundTrips() {
        var day = Self.day("2025-01-01")
        while day < Self.day("2027-01-01") {
            let lunar = LunarDate(day)
            #expect(CalendarDay(lunar: lunar) == day, "\(day)")
            day = day.adding(days: 1)
        }
    }

    /// The astronomy against Meeus's worked examples.
    @Test func astronomyMatchesMeeus() {
        // Example 49.a: new moon of 1977 February, k = -283, JDE 2443192.65118.
        #expect(abs(LunarAstronomy.newMoon(-283) - 2443192.65118) < 0.00005)
        // Example 25.a: 1992 October 13.0 TD, apparent longitude 199.90895° (lower accuracy 199.90894°).
        #expect(abs(LunarAstronomy.sunLongitude(2448908.5) - 199.90895) < 0.0005)
        // ΔT near 2000 is about 64 s.
        #expect(abs(LunarAstronomy.deltaT(year: 2000) - 63.86) < 0.01)
    }

    @Test func sineWithoutFoundation() {
        let cases: [(Double, Double)] = [
            (0, 0), (30, 0.5), (90, 1), (150, 0.5), (180, 0), (210, -0.5), (270, -1), (-30, -0.5),
            (360 * 2777 + 30, 0.5), (-360 * 1000 - 90, -1), (45, 0.7071067811865476), (60, 0.8660254037844386),
        ]
        for (degrees, expected) in cases {
            #expect(abs(LunarAstronomy.sinDegrees(degrees) - expected) < 1e-12, "sin \(degrees)")
        }
    }
}
