import Testing

@testable import KioskDomain

@Suite struct CalendarDayTests {
    @Test func roundTripsThroughEpochDays() {
        for n in stride(from: -800_000, to: 800_000, by: 997) {
            let d = CalendarDay(daysSinceEpoch: n)
            #expect(d.daysSinceEpoch == n)
        }
    }

    @Test func parsesAndPrintsIso() {
        #expect(CalendarDay(iso: "2026-11-21")?.description == "2026-11-21")
        #expect(CalendarDay(iso: "2025-02-29") == nil)
        #expect(CalendarDay(iso: "2026-1-21") == nil)
        #expect(CalendarDay(iso: "2026-11-21")?.isoWeekday == 6)  // a Saturday
    }

    @Test func timestampsPrintWithOffset() {
        let t = Timestamp(rfc3339: "2026-11-21T09:15:02+07:00")
        #expect(t?.description == "2026-11-21T09:15:02+07:00")
        #expect(t?.unixSeconds == Timestamp(rfc3339: "2026-11-21T02:15:02Z")?.unixSeconds)
        #expect(Timestamp(rfc3339: "2026-11-21T23:30:00Z")?.localDay.description == "2026-11-21")
        #expect(
            Timestamp(unixSeconds: Timestamp(rfc3339: "2026-11-21T23:30:00Z")!.unixSeconds).localDay.description
                == "2026-11-22")
        #expect(Timestamp(rfc3339: "2026-11-21 09:15") == nil)
    }
}
