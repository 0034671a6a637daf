#if canImport(Glibc)
    import Glibc
#endif

/// A pipe that wakes threads blocked in `poll`: once `signal()` has written a byte, the read
/// end stays readable until `drain()` (level-triggered, so every thread polling it wakes).
/// Used to stop device and socket threads (Glibc's module has no `eventfd`).
///
/// The descriptors close when the last holder lets go, so a thread still polling never sees
/// a closed (or reused) descriptor.
public final class WakePipe: Sendable {
    /// Poll this for `POLLIN`.
    public let readEnd: Int32
    private let writeEnd: Int32

    /// Creates the pipe, both ends non-blocking and close-on-exec.
    ///
    /// The corresponding C function is `pipe`.
    public init() throws(SystemError) {
        var ends: [Int32] = [-1, -1]
        try retryingInterrupts("pipe") { pipe(&ends) }
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    /// Makes the read end readable. Never blocks (a full pipe is readable already).
    public func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Whether `signal()` was called (and not drained since).
    public var isSignalled: Bool {
        if case .ready = try? waitForDescriptor(readEnd, until: MonotonicDeadline(nanoseconds: 0)) { return true }
        return false
    }

    /// Empties the pipe so that the next `poll` waits for the next `signal()`.
    public func drain() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while scratch.withUnsafeMutableBytes({ read(readEnd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
