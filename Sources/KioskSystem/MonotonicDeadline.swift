/// A point on the monotonic clock (`CLOCK_MONOTONIC`) after which a wait gives up: never moved
/// by the wall clock (NTP, a technician setting the date).
public struct MonotonicDeadline: Sendable, Hashable, Comparable {
    /// Monotonic nanoseconds (``monotonicNanoseconds()``).
    public let nanoseconds: UInt64

    /// The deadline at `nanoseconds` on the monotonic clock.
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The deadline `timeout` from now (now itself for a zero or negative timeout).
    public init(after timeout: Duration) {
        nanoseconds = monotonicNanoseconds() &+ timeout.totalNanoseconds
    }

    /// The deadline `nanoseconds` from now, saturating.
    public init(afterNanoseconds delay: UInt64) {
        let (sum, overflow) = monotonicNanoseconds().addingReportingOverflow(delay)
        nanoseconds = overflow ? .max : sum
    }

    /// Nanoseconds left, zero once passed.
    public var remainingNanoseconds: UInt64 {
        let now = monotonicNanoseconds()
        return now >= nanoseconds ? 0 : nanoseconds - now
    }

    /// Milliseconds left for `poll`, rounded up so a poll never returns just before the deadline.
    public var pollMilliseconds: Int32 {
        Int32(clamping: (remainingNanoseconds + 999_999) / 1_000_000)
    }

    /// Whether the deadline has passed.
    public var hasPassed: Bool { remainingNanoseconds == 0 }

    /// Orders deadlines by time.
    public static func < (a: MonotonicDeadline, b: MonotonicDeadline) -> Bool { a.nanoseconds < b.nanoseconds }
}
