import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A self-pipe that tells the scanner's reader thread to stop: its read end sits in every
/// poll set of the thread, so a stop wakes it from any wait at once.
///
/// A pipe rather than an `eventfd` because Glibc's Swift module does not import `eventfd`,
/// and a pipe needs nothing from the C shim.
///
/// `@unchecked Sendable`: the descriptors are created in `init` and closed only in `deinit`;
/// `write` and `poll` on them are thread-safe in the kernel; no Swift state is mutated.
final class ScannerStopSignal: @unchecked Sendable {
    /// The descriptor to put in a poll set (`POLLIN` once signalled).
    let fileDescriptor: Int32
    private let writeEnd: Int32

    init() throws(SystemError) {
        var ends: [Int32] = [-1, -1]
        try retryingInterrupts("pipe") { pipe(&ends) }
        for fd in ends {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        fileDescriptor = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(fileDescriptor)
        close(writeEnd)
    }

    /// Signals the stop (idempotent: the byte stays unread, so the read end stays readable).
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Whether a stop was signalled.
    var isSignalled: Bool {
        var entry = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1
    }
}
