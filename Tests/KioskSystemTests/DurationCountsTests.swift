import Testing

@testable import KioskSystem

/// The one `Duration` conversion.
@Suite struct DurationCountsTests {
    @Test func countsWholeUnitsAndSaturates() {
        #expect(Duration.milliseconds(1500).totalNanoseconds == 1_500_000_000)
        #expect(Duration.nanoseconds(1).totalNanoseconds == 1)
        #expect(Duration.milliseconds(1500).totalMilliseconds == 1500)
        #expect(Duration.microseconds(1999).totalMilliseconds == 1)
        #expect(Duration.milliseconds(250).totalSeconds == 0.25)
        #expect(Duration.seconds(-3).totalNanoseconds == 0)
        #expect(Duration.milliseconds(-1).totalMilliseconds == 0)
        #expect(Duration.seconds(-3).totalSeconds == -3)
        #expect(Duration.seconds(Int64.max).totalNanoseconds == UInt64.max)
    }

    @Test func deadlinesRoundPollTimesUp() {
        let passed = MonotonicDeadline(nanoseconds: 0)
        #expect(passed.hasPassed)
        #expect(passed.pollMilliseconds == 0)
        let later = MonotonicDeadline(afterNanoseconds: 1)
        #expect(later.pollMilliseconds <= 1)
        #expect(MonotonicDeadline(afterNanoseconds: .max).nanoseconds == .max)
        #expect(MonotonicDeadline(after: .seconds(3600)).pollMilliseconds > 3_599_000)
    }
}
