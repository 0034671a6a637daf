/// The one conversion from `Duration` to the counts system calls and logs want.
///
/// `Duration` keeps seconds and attoseconds; `poll` wants milliseconds, the monotonic clock
/// nanoseconds, a log line seconds. Every count here is derived from ``totalNanoseconds`` so
/// the rounding is decided once.
extension Duration {
    /// Whole nanoseconds, saturating: a negative duration is 0, one past `UInt64` is its maximum.
    public var totalNanoseconds: UInt64 {
        // Both parts carry the duration's sign (`components` truncates towards zero).
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 0 }
        let (whole, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        let (sum, carry) = whole.addingReportingOverflow(UInt64(attoseconds / 1_000_000_000))
        return carry ? .max : sum
    }

    /// Whole milliseconds (truncated), saturating at 0 below and `Int64.max` above.
    public var totalMilliseconds: Int64 { Int64(clamping: totalNanoseconds / 1_000_000) }

    /// Seconds as a floating-point number (for rates and reports; signed).
    public var totalSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
