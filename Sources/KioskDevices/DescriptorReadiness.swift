import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Waiting for a printer descriptor (serial port, usblp node, TCP socket) to be ready, bounded
/// by a deadline: the one `poll` loop every printer transport uses.
enum DescriptorReadiness {
    /// Polls `fd` for `events` until `deadline`: returns when ready, throws a timeout, or a
    /// hang-up on `POLLHUP`/`POLLERR`/`POLLNVAL`. Data still waiting to be read is delivered
    /// before a hang-up is reported; a write to a hung-up peer fails. `name` and `operation`
    /// go into the error.
    ///
    /// The corresponding C function is `poll`.
    static func wait(
        _ fd: Int32, for events: Int16, until deadline: SerialDeadline, name: String, operation: String,
        bytesWritten: Int?
    ) throws(SerialPortError) {
        while true {
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = Glibc.poll(&entry, 1, deadline.pollMilliseconds)
            if ready < 0 {
                let code = errno
                if code == EINTR { continue }
                throw SerialPortError.from(
                    SystemError(code, call: "poll"), path: name, operation: operation, bytesWritten: bytesWritten)
            }
            if ready == 0 {
                if deadline.hasPassed { throw .timedOut(path: name, operation: operation, bytesWritten: bytesWritten) }
                continue
            }
            if entry.revents & events != 0 && entry.revents & Int16(POLLERR | POLLNVAL) == 0
                && !(events == Int16(POLLOUT) && entry.revents & Int16(POLLHUP) != 0)
            {
                return
            }
            if entry.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                throw .hangUp(path: name, operation: operation, bytesWritten: bytesWritten)
            }
        }
    }
}
