import KioskConfig
import KioskDomain
import Testing

@Suite struct HolidayListTests {
    private func holidayDiagnostics(_ text: String) -> [ConfigDiagnostic] {
        diagnostics { () throws(ConfigurationErrors) in
            try HolidayList.parse(text: text, file: "/etc/kiosk/holidays.conf")
        }
    }

    private func day(_ iso: String) -> CalendarDay { CalendarDay(iso: iso)! }

    @Test func parsesDaysOffAndWorkingWeekendDays() throws {
        let text = """
            # swaps for 2026
            2026-04-27 Nghỉ bù Giỗ Tổ Hùng Vương
            2026-01-02
            2026-01-10 work Làm bù
            \t2026-09-03\tlabel with\ttabs
            2026-01-11 working is only a label here
            """
        let list = try HolidayList.parse(text: text, file: "h")
        #expect(list.days == [day("2026-04-27"), day("2026-01-02"), day("2026-09-03"), day("2026-01-11")])
        #expect(list.workingDays == [day("2026-01-10")])
    }

    @Test func badDatesNameTheirLines() {
        let text = """
            2026-02-30 no such day
            26-01-02
            2026/01/02
            Tết
            2026-01-02
            """
        let found = holidayDiagnostics(text)
        #expect(found.map(\.line) == [1, 2, 3, 4])
        #expect(
            found[0].description
                == "/etc/kiosk/holidays.conf:1: \"2026-02-30\" is not a day of the calendar; check the month and day")
        #expect(found[1].message.hasPrefix("\"26-01-02\" is not a date; write YYYY-MM-DD"))
        #expect(found.allSatisfy { $0.file == "/etc/kiosk/holidays.conf" })
    }

    @Test func repeatsAreErrors() {
        let text = """
            2026-01-02
            2026-01-02 again
            2026-01-10 work
            2026-01-10
            """
        let found = holidayDiagnostics(text)
        #expect(found.map(\.line) == [2, 4])
        #expect(found[0].message == "2026-01-02 is listed twice; the first is at line 1: keep one")
        #expect(found[1].message == "2026-01-10 is listed twice; the first is at line 3: keep one")
    }

    /// `off` and `work` for any day: a weekday `work` cancels a day off the rules computed
    /// (issue 15: `2027-09-01 work` used to stop the kiosk with exit 78).
    @Test func offAndWorkForAnyDay() throws {
        let text = """
            2027-09-01 work   1/9 is not the companion day this year
            2027-09-03 off    3/9 is
            2026-01-10 WORK   Làm bù
            2026-01-02 off
            """
        let list = try HolidayList.parse(text: text, file: "h")
        #expect(list.workingDays == [day("2027-09-01"), day("2026-01-10")])
        #expect(list.days == [day("2027-09-03"), day("2026-01-02")])
    }

    @Test func emptyFileIsAnEmptyList() throws {
        let list = try HolidayList.parse(text: "# none this year\n", file: "h")
        #expect(list == HolidayList())
    }
}
