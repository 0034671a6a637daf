import CKioskShim
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// An open serial port (a USB-serial adapter, a CDC-ACM device, a pseudo-terminal) in raw
/// mode, with every read, write and drain bounded in time.
///
/// Not `Sendable`: a port belongs to the one thread that opened it (the printer link's or the
/// scanner's), and blocking calls on it never run on the Swift concurrency pool. The
/// descriptor is closed in `deinit` if `close()` was not called.
///
/// Errors are `SerialPortError`; when `needsReopen` is true, close the port and open the
/// path again later (with backoff).
public final class SerialPort {
    /// The device path it was opened by (a udev link such as `/dev/kiosk-printer`).
    public let path: String
    /// The settings applied at open.
    public let settings: SerialPortSettings
    private var fd: Int32

    /// Opens `path` exclusively and applies `settings`.
    ///
    /// `O_RDWR|O_NOCTTY|O_NONBLOCK|O_CLOEXEC`, then `TIOCEXCL` (a second open by another
    /// process fails with EBUSY), then `cfmakeraw` and every flag of `settings`, then a read
    /// back to check the driver took the speed. Pending input and output are discarded.
    ///
    /// The corresponding C functions are `open`, `ioctl(TIOCEXCL)`, `tcgetattr`, `cfmakeraw`,
    /// `cfsetispeed`, `cfsetospeed` and `tcsetattr`.
    public init(path: String, settings: SerialPortSettings) throws(SerialPortError) {
        self.path = path
        self.settings = settings
        do {
            fd = try retryingInterrupts("open") { Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) }
        } catch {
            throw SerialPortError.from(error, path: path, operation: "opening")
        }
        do {
            try configure()
        } catch {
            Glibc.close(fd)
            fd = -1
            throw error
        }
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    /// The descriptor, for a poll set or `tcgetattr` in diagnostics; the port still owns it:
    /// do not close it. -1 once closed.
    public var fileDescriptor: Int32 { fd }

    /// Closes the port (once; never retried, as `close` must not be on Linux).
    ///
    /// The corresponding C function is `close`.
    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    private func configure() throws(SerialPortError) {
        do {
            try retryingInterrupts("ioctl(TIOCEXCL)") { kiosk_ioctl_none(fd, kiosk_TIOCEXCL()) }
            var t = termios()
            try retryingInterrupts("tcgetattr") { tcgetattr(fd, &t) }
            cfmakeraw(&t)
            settings.apply(to: &t)
            guard try apply(t, speed: settings.baudRate) else {
                // The driver refused the speed (EINVAL, or kept another one: an 8250/16550A
                // tops out at its baud base, 115200). Say which speeds it can do.
                let highest = SerialPortSettings.BaudRate.allCases.filter { $0.rawValue < settings.baudRate.rawValue }
                    .sorted { $0.rawValue > $1.rawValue }
                    .first { (try? apply(t, speed: $0)) == true }
                throw SerialPortError.unsupportedBaud(path: path, requested: settings.baudRate, highest: highest)
            }
            // tcsetattr succeeds if ANY change was applied: read back what the driver kept.
            var applied = termios()
            try retryingInterrupts("tcgetattr") { tcgetattr(fd, &applied) }
            guard applied.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8) else {
                throw SystemError(EINVAL, call: "tcsetattr(\(settings.baudRate) baud, 8 data bits)")
            }
            try retryingInterrupts("tcflush") { tcflush(fd, TCIOFLUSH) }
        } catch let error as SerialPortError {
            throw error
        } catch let error as SystemError {
            throw SerialPortError.from(error, path: path, operation: "configuring \(settings.baudRate) baud")
        } catch {
            throw SerialPortError.from(
                SystemError(EINVAL, call: "configuring"), path: path, operation: "configuring \(settings.baudRate) baud"
            )
        }
    }

    /// Applies `t` at `speed`; returns whether the driver kept that speed (false when it
    /// answered EINVAL or silently kept another one).
    private func apply(_ base: termios, speed: SerialPortSettings.BaudRate) throws(SystemError) -> Bool {
        var t = base
        try retryingInterrupts("cfsetispeed") { cfsetispeed(&t, speed.speed) }
        try retryingInterrupts("cfsetospeed") { cfsetospeed(&t, speed.speed) }
        do {
            try retryingInterrupts("tcsetattr") { tcsetattr(fd, TCSANOW, &t) }
        } catch  where error.code == EINVAL {
            return false
        }
        var applied = termios()
        try retryingInterrupts("tcgetattr") { tcgetattr(fd, &applied) }
        return cfgetospeed(&applied) == speed.speed
    }

    /// Writes all of `bytes` before `timeout` passes, or throws.
    ///
    /// Waits for `POLLOUT` with the remaining time, handles partial writes and `EAGAIN`. With
    /// `FlowControl=none` and pacing on, writes in 10 ms chunks spaced to `baud/10` bytes a
    /// second. A reader that stops reading (flow control held, printer buffer full) ends in a
    /// timeout error carrying the bytes already written; a hang-up ends in a device-gone error.
    ///
    /// The corresponding C functions are `poll` and `write`.
    public func write(_ bytes: [UInt8], timeout: Duration) throws(SerialPortError) {
        let deadline = MonotonicDeadline(after: timeout)
        let operation = "writing \(bytes.count) bytes"
        let rate = UInt64(settings.baudRate.bytesPerSecond)
        let chunk = settings.pacing ? max(1, Int(rate) / 100) : Int.max
        let start = monotonicNanoseconds()
        var written = 0
        while written < bytes.count {
            if settings.pacing {
                // Chunk i may start once the previous bytes had time to go out at wire speed.
                let due = start + UInt64(written) * 1_000_000_000 / rate
                let now = monotonicNanoseconds()
                if due > now {
                    guard due < deadline.nanoseconds else {
                        throw .timedOut(path: path, operation: operation + " (paced)", bytesWritten: written)
                    }
                    sleepOnThread(nanoseconds: due - now)
                }
            }
            try DescriptorReadiness.wait(
                fd, for: Int16(POLLOUT), until: deadline, name: path, operation: operation, bytesWritten: written)
            let count = min(chunk, bytes.count - written)
            let n = bytes.withUnsafeBufferPointer { buffer in
                Glibc.write(fd, buffer.baseAddress! + written, count)
            }
            if n >= 0 {
                written += n
                continue
            }
            let code = errno
            if code == EINTR || code == EAGAIN { continue }
            throw SerialPortError.from(
                SystemError(code, call: "write"), path: path, operation: operation, bytesWritten: written)
        }
    }

    /// Waits, at most `timeout`, until the driver has sent every written byte.
    ///
    /// `tcdrain` cannot be bounded: with RTS/CTS held by a stuck printer it blocks forever
    /// and only a signal frees it. So this polls the driver's output queue (`TIOCOUTQ`) every
    /// few milliseconds instead; on a timeout the caller decides whether to discard the rest
    /// (`discardOutput`). The UART's own FIFO (16–128 bytes) is not counted, which is a few ms.
    ///
    /// The corresponding C function is `ioctl(TIOCOUTQ)`, in place of `tcdrain`.
    public func drain(timeout: Duration) throws(SerialPortError) {
        let deadline = MonotonicDeadline(after: timeout)
        while true {
            let queued = try outputQueueCount()
            if queued == 0 { return }
            if deadline.hasPassed {
                throw .timedOut(path: path, operation: "draining (\(queued) bytes still queued)")
            }
            // Sleep for the time the queue needs at wire speed, between 1 and 20 ms.
            let wire = UInt64(queued) * 1_000_000_000 / UInt64(settings.baudRate.bytesPerSecond)
            sleepOnThread(nanoseconds: min(max(wire, 1_000_000), 20_000_000, max(deadline.remainingNanoseconds, 1)))
        }
    }

    /// Bytes written but not yet sent by the driver.
    ///
    /// The corresponding C function is `ioctl(TIOCOUTQ)`.
    public func outputQueueCount() throws(SerialPortError) -> Int {
        var queued: Int32 = 0
        do {
            try retryingInterrupts("ioctl(TIOCOUTQ)") { kiosk_ioctl_pointer(fd, kiosk_TIOCOUTQ(), &queued) }
        } catch {
            throw SerialPortError.from(error, path: path, operation: "reading the output queue")
        }
        return Int(queued)
    }

    /// Reads what has arrived, up to `maxCount` bytes, waiting at most `timeout` for the first
    /// byte; returns an empty array when nothing came in time.
    ///
    /// The corresponding C functions are `poll` and `read`.
    public func read(upTo maxCount: Int, timeout: Duration) throws(SerialPortError) -> [UInt8] {
        let deadline = MonotonicDeadline(after: timeout)
        let operation = "reading"
        while true {
            do {
                try DescriptorReadiness.wait(
                    fd, for: Int16(POLLIN), until: deadline, name: path, operation: operation, bytesWritten: nil)
            } catch {
                if error.isTimeout { return [] }
                throw error
            }
            var buffer = [UInt8](repeating: 0, count: max(1, maxCount))
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { return Array(buffer[0..<n]) }
            // VMIN=1: an empty non-blocking read is EAGAIN; zero bytes means hung up.
            if n == 0 { throw .hangUp(path: path, operation: operation) }
            let code = errno
            if code == EINTR || code == EAGAIN { continue }
            throw SerialPortError.from(SystemError(code, call: "read"), path: path, operation: operation)
        }
    }

    /// Throws away bytes received and not yet read (stale status answers).
    ///
    /// The corresponding C function is `tcflush(TCIFLUSH)`.
    public func discardInput() throws(SerialPortError) {
        do {
            try retryingInterrupts("tcflush") { tcflush(fd, TCIFLUSH) }
        } catch {
            throw SerialPortError.from(error, path: path, operation: "discarding input")
        }
    }

    /// Throws away bytes written and not yet sent (after a drain timeout, before a reopen).
    ///
    /// The corresponding C function is `tcflush(TCOFLUSH)`.
    public func discardOutput() throws(SerialPortError) {
        do {
            try retryingInterrupts("tcflush") { tcflush(fd, TCOFLUSH) }
        } catch {
            throw SerialPortError.from(error, path: path, operation: "discarding output")
        }
    }

    /// The terminal attributes in force (for diagnostics and tests).
    ///
    /// The corresponding C function is `tcgetattr`.
    public func attributes() throws(SerialPortError) -> termios {
        var t = termios()
        do {
            try retryingInterrupts("tcgetattr") { tcgetattr(fd, &t) }
        } catch {
            throw SerialPortError.from(error, path: path, operation: "reading attributes")
        }
        return t
    }
}
