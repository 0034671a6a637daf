import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Waiting for a printer descriptor (serial port, usblp node, TCP socket) to be ready, bounded
/// by a deadline: KioskSystem's `waitForDescriptor` with the printer's errors (timeout, hang-up).
enum DescriptorReadiness {
    /// Polls `fd` for `events` until `deadline`: returns when ready, throws a timeout, or a
    /// hang-up on `POLLHUP`/`POLLERR`/`POLLNVAL`. Data still waiting to be read is delivered
    /// before a hang-up is reported; a write to a hung-up peer fails. `name` and `operation`
    /// go into the error.
    ///
    /// The corresponding C function is `poll`.
    static func wait(
        _ fd: Int32, for events: Int16, until deadline: MonotonicDeadline, port: SerialPortError.Port = .serial,
        name: String, operation: String, bytesWritten: Int?
    ) throws(SerialPortError) {
        while true {
            let outcome: PollOutcome
            do throws(SystemError) {
                outcome = try waitForDescriptor(fd, for: events, until: deadline)
            } catch {
                throw SerialPortError.from(
                    error, port: port, path: name, operation: operation, bytesWritten: bytesWritten)
            }
            guard case .ready(let reported) = outcome else {
                throw .timedOut(port: port, path: name, operation: operation, bytesWritten: bytesWritten)
            }
            let revents = reported[0]
            if revents & events != 0 && revents & Int16(POLLERR | POLLNVAL) == 0
                && !(events == Int16(POLLOUT) && revents & Int16(POLLHUP) != 0)
            {
                return
            }
            if revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                throw .hangUp(port: port, path: name, operation: operation, bytesWritten: bytesWritten)
            }
        }
    }
}
