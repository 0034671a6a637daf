#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sleeps on the calling thread (never call from the Swift concurrency pool); a signal does
/// not cut the sleep short.
///
/// The corresponding C function is `nanosleep`.
public func sleepOnThread(nanoseconds: UInt64) {
    guard nanoseconds > 0 else { return }
    var request = timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    var remaining = timespec()
    while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
}
