import Testing

@testable import KioskDomain

/// The one civil-date algorithm (`CalendarDay`'s days from and to civil dates) against dates
/// known from outside it, and the RFC 3339 text built on it.
@Suite struct CivilDateTests {
    /// Days since 1970-01-01 of dates checked against `date -u -d @…`.
    @Test(arguments: [
        (1970, 1, 1, 0), (1969, 12, 31, -1), (1970, 3, 1, 59), (1972, 2, 29, 789), (1972, 3, 1, 790),
        (2000, 1, 1, 10957), (2000, 2, 29, 11016), (2000, 3, 1, 11017), (2000, 12, 31, 11322),
        (2024, 2, 29, 19782), (2026, 11, 21, 20778), (2038, 1, 19, 24855), (2100, 2, 28, 47540),
        (2100, 3, 1, 47541), (1900, 3, 1, -25508), (1600, 1, 1, -135140), (1, 1, 1, -719162),
        (9999, 12, 31, 2_932_896),
    ])
    func knownDays(_ known: (year: Int, month: Int, day: Int, days: Int)) throws {
        let date = try #require(CalendarDay(year: known.year, month: known.month, day: known.day))
        #expect(date.daysSinceEpoch == known.days)
        #expect(CalendarDay(daysSinceEpoch: known.days) == date)
    }

    @Test func leapYearsFollowTheGregorianRule() {
        #expect(CalendarDay(year: 2000, month: 2, day: 29) != nil)  // divisible by 400
        #expect(CalendarDay(year: 2100, month: 2, day: 29) == nil)  // by 100, not 400
        #expect(CalendarDay(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDay(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDay(year: 2026, month: 2, day: 29) == nil)
        // The day after 28 February 2100 is 1 March; after 28 February 2000, 29 February.
        #expect(
            CalendarDay(year: 2100, month: 2, day: 28)!.adding(days: 1) == CalendarDay(year: 2100, month: 3, day: 1))
        #expect(
            CalendarDay(year: 2000, month: 2, day: 28)!.adding(days: 1) == CalendarDay(year: 2000, month: 2, day: 29))
    }

    @Test func everyDayFrom1900To2200RoundTrips() {
        var expected = CalendarDay(year: 1900, month: 1, day: 1)!
        for days in expected.daysSinceEpoch...CalendarDay(year: 2200, month: 12, day: 31)!.daysSinceEpoch {
            let date = CalendarDay(daysSinceEpoch: days)
            #expect(date == expected)
            #expect(date.daysSinceEpoch == days)
            // The next day by counting, independent of the algorithm.
            if expected.day < CalendarDay.daysIn(month: expected.month, year: expected.year) {
                expected.day += 1
            } else if expected.month < 12 {
                expected = CalendarDay(year: expected.year, month: expected.month + 1, day: 1)!
            } else {
                expected = CalendarDay(year: expected.year + 1, month: 1, day: 1)!
            }
        }
    }

    @Test func weekdaysAtTheBoundaries() {
        #expect(CalendarDay(year: 1970, month: 1, day: 1)!.isoWeekday == 4)  // Thursday
        #expect(CalendarDay(year: 2000, month: 1, day: 1)!.isoWeekday == 6)  // Saturday
        #expect(CalendarDay(year: 2100, month: 1, day: 1)!.isoWeekday == 5)  // Friday
        #expect(CalendarDay(year: 1969, month: 12, day: 31)!.isoWeekday == 3)  // Wednesday
    }

    @Test func timestampsAtTheBoundaries() {
        #expect(Timestamp(unixSeconds: 0, offsetSeconds: 0).description == "1970-01-01T00:00:00Z")
        #expect(Timestamp(unixSeconds: -1, offsetSeconds: 0).description == "1969-12-31T23:59:59Z")
        #expect(Timestamp(unixSeconds: 946_684_799, offsetSeconds: 0).description == "1999-12-31T23:59:59Z")
        #expect(Timestamp(unixSeconds: 946_684_800 - 7 * 3600).description == "2000-01-01T00:00:00+07:00")
        #expect(Timestamp(unixSeconds: 951_782_400, offsetSeconds: 0).description == "2000-02-29T00:00:00Z")
        #expect(Timestamp(unixSeconds: 4_107_542_400, offsetSeconds: 0).description == "2100-03-01T00:00:00Z")
        #expect(Timestamp(unixSeconds: 4_107_542_399, offsetSeconds: 0).description == "2100-02-28T23:59:59Z")
        #expect(Timestamp(rfc3339: "2100-02-29T00:00:00Z") == nil)
        #expect(Timestamp(rfc3339: "2000-02-29T07:00:00+07:00")?.unixSeconds == 951_782_400)
    }

    /// The fixed-buffer text writes exactly what the general interpolation writes.
    @Test func fastTextMatchesTheGeneralText() {
        var state: UInt64 = 0xC0FF_EE26
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let offsets = [0, 7 * 3600, -5 * 3600, 5 * 3600 + 45 * 60, -(9 * 3600 + 30 * 60), 14 * 3600, 3600 + 59]
        for _ in 0..<5000 {
            let unix = Int64(next() % 9_467_280_000) - 2_208_988_800
            let time = Timestamp(unixSeconds: unix, offsetSeconds: offsets[Int(next() % UInt64(offsets.count))])
            #expect(time.description == time.generalDescription)
            // And reads back, by the fast parser and by the general one (RFC 3339 offsets are
            // whole minutes: 3600 + 59 s does not round-trip).
            guard time.offsetSeconds % 60 == 0 else { continue }
            #expect(Timestamp(rfc3339: time.description) == time)
            #expect(Timestamp(generalRFC3339: time.description) == time)
        }
        let edges = [
            Timestamp(unixSeconds: 253_402_300_799, offsetSeconds: 0),  // 9999-12-31T23:59:59Z
            Timestamp(unixSeconds: 253_402_300_800, offsetSeconds: 0),  // year 10000: the general path
            Timestamp(unixSeconds: -62_135_596_800 - 86400, offsetSeconds: 0),  // before year 1
            Timestamp(unixSeconds: 1_795_000_000, offsetSeconds: 30 * 3600),  // offset beyond a day
        ]
        for time in edges { #expect(time.description == time.generalDescription, "\(time.unixSeconds)") }
    }

    @Test func otherRFC3339FormsTakeTheGeneralPath() {
        for text in [
            "2026-11-21T09:15:02.123+07:00", "2026-11-21t09:15:02Z", "2026-11-21 09:15:02+07:00",
            "2026-12-31T23:59:60Z",
        ] {
            #expect(Timestamp(rfc3339: text) == Timestamp(generalRFC3339: text), "\(text)")
            #expect(Timestamp(rfc3339: text) != nil, "\(text)")
        }
        for text in [
            "", "2026-02-30T09:15:02+07:00", "2026-11-21T24:00:00Z", "2026-11-21T09:15:02+07", "x026-11-21T09:15:02Z",
        ] {
            #expect(Timestamp(rfc3339: text) == nil, "\(text)")
        }
    }
}
