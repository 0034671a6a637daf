import KioskSystem

/// A point on the monotonic clock after which a serial operation gives up.
struct SerialDeadline: Sendable {
    /// Monotonic nanoseconds.
    let nanoseconds: UInt64

    /// The deadline `timeout` from now.
    init(after timeout: Duration) {
        let (seconds, attoseconds) = timeout.components
        let ns = max(0, seconds) * 1_000_000_000 + max(0, attoseconds) / 1_000_000_000
        nanoseconds = monotonicNanoseconds() &+ UInt64(ns)
    }

    /// Nanoseconds left, zero once passed.
    var remainingNanoseconds: UInt64 {
        let now = monotonicNanoseconds()
        return now >= nanoseconds ? 0 : nanoseconds - now
    }

    /// Milliseconds left for `poll`, rounded up so a poll never returns just before the deadline.
    var pollMilliseconds: Int32 {
        Int32(clamping: (remainingNanoseconds + 999_999) / 1_000_000)
    }

    /// Whether the deadline has passed.
    var hasPassed: Bool { remainingNanoseconds == 0 }
}

/// Sleeps on the calling thread (never call from the Swift concurrency pool).
///
/// The corresponding C function is `nanosleep`.
package func sleepOnThread(nanoseconds: UInt64) {
    guard nanoseconds > 0 else { return }
    var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}

#if canImport(Glibc)
    import Glibc
#endif
