import Testing

@testable import KioskDomain

@Suite struct AppointmentCalendarTests {
    static func day(_ iso: String) -> CalendarDay { CalendarDay(iso: iso)! }
    static func at(_ rfc3339: String) -> Timestamp { Timestamp(rfc3339: rfc3339)! }
    let calendar = AppointmentCalendar()

    @Test func holidaysOf2026() {
        let holidays = PublicHolidays().holidays(inYear: 2026)
        #expect(
            holidays.map(\.day.description) == [
                "2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-04-26",
                "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02",
            ])
        #expect(holidays.filter { $0.occasion == .tet }.count == 5)
        #expect(holidays.first { $0.occasion == .hungKings }?.day == Self.day("2026-04-26"))
    }

    @Test func holidayChoices() {
        let after = PublicHolidays(nationalDayCompanion: .dayAfter)
        #expect(after.isHoliday(Self.day("2026-09-03")))
        #expect(!after.isHoliday(Self.day("2026-09-01")))
        let perYear = PublicHolidays(nationalDayCompanionByYear: [2027: .dayAfter])
        #expect(perYear.isHoliday(Self.day("2026-09-01")))
        #expect(perYear.isHoliday(Self.day("2027-09-03")))
        #expect(!perYear.isHoliday(Self.day("2027-09-01")))
        // A government choice that starts earlier (Tết 2025 is 29 January): tetDays = -5...3.
        let wide = PublicHolidays(tetDays: -5...3)
        #expect(wide.isHoliday(Self.day("2025-01-24")))
        #expect(!PublicHolidays().isHoliday(Self.day("2025-01-24")))
        #expect(PublicHolidays().isHoliday(Self.day("2025-01-28")))  // the eve: 30/12 lunar
        // The eve is the 29th when month 12 is short (Tết 2026).
        #expect(LunarDate(Self.day("2026-02-16")).day == 29)
        #expect(PublicHolidays().isHoliday(Self.day("2026-02-16")))
    }

    @Test func countsWorkingDaysAfterTheDayOfReceipt() {
        // Monday 23 November 2026, 09:00: the count starts Tuesday.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-11-23T09:00:00+07:00"), workingDays: 10)
                == Self.day("2026-12-07"))
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-11-23T09:00:00+07:00"), workingDays: 1)
                == Self.day("2026-11-24"))
        // Same instant written in UTC: the kiosk's day is what counts.
        #expect(
            calendar.appointmentDate(
                receivedAt: Timestamp(unixSeconds: Self.at("2026-11-23T02:00:00Z").unixSeconds), workingDays: 1)
                == Self.day("2026-11-24"))
        // Zero days: the day of receipt itself; negative counts as zero.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-11-23T09:00:00+07:00"), workingDays: 0)
                == Self.day("2026-11-23"))
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-11-23T09:00:00+07:00"), workingDays: -3)
                == Self.day("2026-11-23"))
        // Friday: the weekend is skipped.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-11-27T09:00:00+07:00"), workingDays: 1)
                == Self.day("2026-11-30"))
    }

    @Test func lateOrNonWorkingDayReceiptCountsFromTheNextWorkingDay() {
        // 16:29:59 is before the cut-off, 16:30:00 is not.
        #expect(
            calendar.effectiveReceiptDay(receivedAt: Self.at("2026-11-23T16:29:59+07:00")) == Self.day("2026-11-23"))
        #expect(
            calendar.effectiveReceiptDay(receivedAt: Self.at("2026-11-23T16:30:00+07:00")) == Self.day("2026-11-24"))
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-11-23T16:30:00+07:00"), workingDays: 10)
                == Self.day("2026-12-08"))
        // Friday evening: received Monday, due Tuesday.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-11-27T17:00:00+07:00"), workingDays: 1)
                == Self.day("2026-12-01"))
        // Saturday morning, Sunday night: received Monday.
        #expect(
            calendar.effectiveReceiptDay(receivedAt: Self.at("2026-11-21T09:15:02+07:00")) == Self.day("2026-11-23"))
        #expect(
            calendar.effectiveReceiptDay(receivedAt: Self.at("2026-11-22T23:59:59+07:00")) == Self.day("2026-11-23"))
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-11-21T09:15:02+07:00"), workingDays: 0)
                == Self.day("2026-11-23"))
        // A cut-off of 15:00.
        let early = AppointmentCalendar(cutOffSecondOfDay: 15 * 3600)
        #expect(early.effectiveReceiptDay(receivedAt: Self.at("2026-11-23T15:00:00+07:00")) == Self.day("2026-11-24"))
        #expect(early.effectiveReceiptDay(receivedAt: Self.at("2026-11-23T14:59:59+07:00")) == Self.day("2026-11-23"))
    }

    @Test func acrossTet() {
        // Tết 2026 (Tuesday 17 February): 16 (eve) to 20 February off.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-02-13T09:00:00+07:00"), workingDays: 3)
                == Self.day("2026-02-25"))
        // Received on the eve: counts from Monday 23.
        #expect(
            calendar.effectiveReceiptDay(receivedAt: Self.at("2026-02-16T08:00:00+07:00")) == Self.day("2026-02-23"))
        // Tết 2027 (Saturday 6 February): 5, 8 and 9 February are the weekday holidays.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2027-02-03T10:00:00+07:00"), workingDays: 5)
                == Self.day("2027-02-15"))
    }

    @Test func acrossHungKingsDay() {
        // Giỗ Tổ 2025: Monday 7 April.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2025-04-04T10:00:00+07:00"), workingDays: 1)
                == Self.day("2025-04-08"))
        // Giỗ Tổ 2026 falls on Sunday 26 April: no weekday lost unless the government gives a
        // compensatory day, which comes as an extra holiday.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-04-24T10:00:00+07:00"), workingDays: 1)
                == Self.day("2026-04-27"))
        #expect(
            calendar.appointmentDate(
                receivedAt: Self.at("2026-04-24T10:00:00+07:00"), workingDays: 1,
                extraHolidays: [Self.day("2026-04-27")])
                == Self.day("2026-04-28"))
    }

    @Test func acrossReunificationAndLabourDayWithASwap() {
        // 30 April and 1 May 2025 are Wednesday and Thursday.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2025-04-29T10:00:00+07:00"), workingDays: 2)
                == Self.day("2025-05-05"))
        // 2025's swap: Friday 2 May off, Saturday 26 April worked.
        let off: Set = [Self.day("2025-05-02")]
        let worked: Set = [Self.day("2025-04-26")]
        #expect(
            calendar.appointmentDate(
                receivedAt: Self.at("2025-04-29T10:00:00+07:00"), workingDays: 2, extraHolidays: off,
                extraWorkingDays: worked) == Self.day("2025-05-06"))
        #expect(
            calendar.appointmentDate(
                receivedAt: Self.at("2025-04-25T10:00:00+07:00"), workingDays: 1, extraHolidays: off,
                extraWorkingDays: worked) == Self.day("2025-04-26"))
        // Received on the swapped Saturday before the cut-off: that day counts.
        #expect(
            calendar.effectiveReceiptDay(
                receivedAt: Self.at("2025-04-26T09:00:00+07:00"), extraHolidays: off, extraWorkingDays: worked)
                == Self.day("2025-04-26"))
        #expect(calendar.isWorkingDay(Self.day("2025-04-26"), extraWorkingDays: worked))
        #expect(!calendar.isWorkingDay(Self.day("2025-04-26")))
        #expect(!calendar.isWorkingDay(Self.day("2025-05-02"), extraHolidays: off))
    }

    @Test func acrossNationalDay() {
        // 2025: Monday 1 and Tuesday 2 September.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2025-08-29T10:00:00+07:00"), workingDays: 1)
                == Self.day("2025-09-03"))
        // Configured the other way (2/9 and 3/9): Monday 1 September is worked.
        let after = AppointmentCalendar(holidays: PublicHolidays(nationalDayCompanion: .dayAfter))
        #expect(
            after.appointmentDate(receivedAt: Self.at("2025-08-29T10:00:00+07:00"), workingDays: 1)
                == Self.day("2025-09-01"))
        #expect(
            after.appointmentDate(receivedAt: Self.at("2025-08-29T10:00:00+07:00"), workingDays: 2)
                == Self.day("2025-09-04"))
        // Received on the holiday itself.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2025-09-02T10:00:00+07:00"), workingDays: 0)
                == Self.day("2025-09-03"))
    }

    @Test func newYearAndLongCounts() {
        // 31 December 2026 (Thursday) after the cut-off: Friday 1 January is a holiday, so the
        // dossier counts as received on Monday 4 January 2027.
        #expect(
            calendar.effectiveReceiptDay(receivedAt: Self.at("2026-12-31T17:00:00+07:00")) == Self.day("2027-01-04"))
        // A count over a year long still ends on a working day, and huge counts are bounded.
        let far = calendar.appointmentDate(receivedAt: Self.at("2026-11-23T09:00:00+07:00"), workingDays: 300)
        #expect(calendar.isWorkingDay(far))
        let capped = calendar.appointmentDate(receivedAt: Self.at("2026-11-23T09:00:00+07:00"), workingDays: Int.max)
        #expect(
            capped
                == calendar.appointmentDate(
                    receivedAt: Self.at("2026-11-23T09:00:00+07:00"),
                    workingDays: AppointmentCalendar.maximumWorkingDays))
    }
}
