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
                "2026-04-27", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02",
            ])
        #expect(holidays.filter { $0.occasion == .tet }.count == 5)
        #expect(holidays.first { $0.occasion == .hungKings }?.day == Self.day("2026-04-26"))
        #expect(holidays.first { $0.occasion == .compensation }?.day == Self.day("2026-04-27"))
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
        // Tết 2027 (Saturday 6 February): 5, 8 and 9 February are the weekday holidays, and
        // Saturday 6 and Sunday 7 give compensation days on Wednesday 10 and Thursday 11.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2027-02-03T10:00:00+07:00"), workingDays: 5)
                == Self.day("2027-02-17"))
        let compensations = PublicHolidays().holidays(inYear: 2027).filter { $0.occasion == .compensation }
        #expect(compensations.map(\.day.description).prefix(2) == ["2027-02-10", "2027-02-11"])
    }

    @Test func acrossHungKingsDay() {
        // Giỗ Tổ 2025: Monday 7 April.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2025-04-04T10:00:00+07:00"), workingDays: 1)
                == Self.day("2025-04-08"))
        // Giỗ Tổ 2026 falls on Sunday 26 April: Monday 27 is its compensation day by rule
        // (Labour Code art. 111(3)); listing it in the file changes nothing.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-04-24T10:00:00+07:00"), workingDays: 1)
                == Self.day("2026-04-28"))
        // Without the rule, only the file's line makes 27 April a day off.
        let noRule = AppointmentCalendar(holidays: PublicHolidays(compensationDays: false))
        #expect(
            noRule.appointmentDate(receivedAt: Self.at("2026-04-24T10:00:00+07:00"), workingDays: 1)
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

    // MARK: Issue 15: the calendar of a real year

    @Test func aHolidayOnASundayGivesTheNextWorkingDayOff() {
        // Labour day 2027 is a Saturday and 30 April a Friday: Monday 3 May 2027 is off.
        #expect(PublicHolidays().isHoliday(Self.day("2027-05-03")))
        #expect(!PublicHolidays().isHoliday(Self.day("2027-05-04")))
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2027-04-29T10:00:00+07:00"), workingDays: 1)
                == Self.day("2027-05-04"))
        // 1 January 2023 was a Sunday: Monday 2 January was the compensation day.
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2022-12-30T10:00:00+07:00"), workingDays: 1)
                == Self.day("2023-01-03"))
    }

    @Test func theNationalDayCompanionOnThe3rd() {
        // 2/9/2027 is a Thursday: the rule pairs it with Friday 3/9 (as 2021: 2–3/9).
        let holidays = PublicHolidays()
        #expect(holidays.isHoliday(Self.day("2027-09-03")))
        #expect(!holidays.isHoliday(Self.day("2027-09-01")))
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2027-09-01T10:00:00+07:00"), workingDays: 1)
                == Self.day("2027-09-06"))
        // The weekday rule against the years announced: 2021 (Thu → 3/9), 2022 (Fri → 1/9),
        // 2024 (Mon → 3/9), 2025 (Tue → 1/9).
        for (year, companion) in [
            (2021, "2021-09-03"), (2022, "2022-09-01"), (2024, "2024-09-03"), (2025, "2025-09-01"),
        ] {
            #expect(PublicHolidays.NationalDayCompanion.byWeekday.day(inYear: year)?.description == companion)
        }
        // A year announced otherwise is overridden by the holidays file: `2027-09-03 work` and
        // `2027-09-01 off`.
        #expect(
            calendar.appointmentDate(
                receivedAt: Self.at("2027-08-31T10:00:00+07:00"), workingDays: 1,
                extraHolidays: [Self.day("2027-09-01")], extraWorkingDays: [Self.day("2027-09-03")])
                == Self.day("2027-09-03"))
    }

    @Test func anAppointmentAcrossAWorkedSaturday() {
        // Holidays file: `2026-01-02 off` and `2026-01-10 work`. Received Thursday 8 January 2026
        // at 10:00 with 2 days: Friday 9 (1), Saturday 10 worked (2).
        let off: Set = [Self.day("2026-01-02")]
        let worked: Set = [Self.day("2026-01-10")]
        #expect(
            calendar.appointmentDate(
                receivedAt: Self.at("2026-01-08T10:00:00+07:00"), workingDays: 2, extraHolidays: off,
                extraWorkingDays: worked) == Self.day("2026-01-10"))
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-01-08T10:00:00+07:00"), workingDays: 2)
                == Self.day("2026-01-12"))
    }

    @Test func aDossierAfterTheConfiguredCutOff() {
        // `[Kiosk] Cutoff=16:00`: Monday 23 November 2026 at 16:10 counts from Tuesday.
        let fourPM = AppointmentCalendar(cutOffSecondOfDay: 16 * 3600)
        #expect(
            fourPM.appointmentDate(receivedAt: Self.at("2026-11-23T16:10:00+07:00"), workingDays: 1)
                == Self.day("2026-11-25"))
        #expect(
            fourPM.appointmentDate(receivedAt: Self.at("2026-11-23T15:59:00+07:00"), workingDays: 1)
                == Self.day("2026-11-24"))
    }

    @Test func aSameDayProcedureAfterItsCutOff() {
        // `SameDayCutoff=15:00`, `Days=0`: at 14:59 the result is due today; at 15:05 tomorrow,
        // although the kiosk's own cut-off (16:30) has not passed.
        let fifteen = 15 * 3600
        #expect(
            calendar.appointmentDate(
                receivedAt: Self.at("2026-11-23T14:59:00+07:00"), workingDays: 0, cutOffSecondOfDay: fifteen)
                == Self.day("2026-11-23"))
        #expect(
            calendar.appointmentDate(
                receivedAt: Self.at("2026-11-23T15:05:00+07:00"), workingDays: 0, cutOffSecondOfDay: fifteen)
                == Self.day("2026-11-24"))
        #expect(
            calendar.appointmentDate(receivedAt: Self.at("2026-11-23T15:05:00+07:00"), workingDays: 0)
                == Self.day("2026-11-23"))
    }
}
