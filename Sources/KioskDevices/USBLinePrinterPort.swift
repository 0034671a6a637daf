import CKioskShim
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A USB printer-class device driven by the kernel's usblp driver (`/dev/usb/lp0`, or the
/// udev link `/dev/kiosk-printer`). Bidirectional on most receipt printers, so `DLE EOT`
/// status answers are read back exactly as on a serial port; there is no line speed to set.
///
/// usblp itself refuses a second open (EBUSY), which gives the exclusive access `TIOCEXCL`
/// gives a serial port. A pseudo-terminal may stand in for it in tests: it is put in raw
/// mode, as a usblp device is a plain byte pipe.
final class USBLinePrinterPort: PrinterTransport {
    /// The path opened.
    let path: String
    private var io: PrinterDescriptorIO

    /// The descriptor (for the link's poll set); -1 once closed.
    var fileDescriptor: Int32 { io.fd }
    private let isTerminal: Bool

    /// Opens `path` read-write, non-blocking.
    ///
    /// The corresponding C function is `open` (and `tcsetattr` for a terminal stand-in).
    init(path: String) throws(SerialPortError) {
        self.path = path
        let fd: Int32
        do {
            fd = try retryingInterrupts("open") { Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) }
        } catch {
            throw SerialPortError.from(error, port: .usbPrinter, path: path, operation: "opening")
        }
        io = PrinterDescriptorIO(fd: fd, name: path, isSocket: false)
        isTerminal = isatty(fd) == 1
        if isTerminal {
            var t = termios()
            if tcgetattr(fd, &t) == 0 {
                cfmakeraw(&t)
                _ = tcsetattr(fd, TCSANOW, &t)
            }
        }
    }

    deinit { close() }

    func close() {
        if io.fd >= 0 { Glibc.close(io.fd) }
        io.fd = -1
    }

    func write(_ bytes: [UInt8], timeout: Duration) throws(SerialPortError) {
        try io.write(bytes, timeout: timeout)
    }

    /// usblp reports `POLLOUT` once its last write has completed on the bus, so waiting for
    /// it is the drain (a terminal stand-in: its output queue, `TIOCOUTQ`).
    func drain(timeout: Duration) throws(SerialPortError) {
        let deadline = MonotonicDeadline(after: timeout)
        while true {
            if isTerminal {
                var queued: Int32 = 0
                if kiosk_ioctl_pointer(io.fd, kiosk_TIOCOUTQ(), &queued) == 0 && queued == 0 { return }
            } else {
                if case .ready(let revents) = try? waitForDescriptor(io.fd, for: Int16(POLLOUT), until: deadline) {
                    if revents[0] & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                        throw .hangUp(port: .usbPrinter, path: path, operation: "draining")
                    }
                    return
                }
            }
            if deadline.hasPassed { throw .timedOut(port: .usbPrinter, path: path, operation: "draining") }
            sleepOnThread(nanoseconds: min(5_000_000, max(deadline.remainingNanoseconds, 1)))
        }
    }

    func read(upTo maxCount: Int, timeout: Duration) throws(SerialPortError) -> [UInt8] {
        try io.read(upTo: maxCount, timeout: timeout)
    }

    func discardInput() throws(SerialPortError) { try io.discardInput() }

    /// usblp has no output queue to flush: what was written is on its way in one URB.
    func discardOutput() throws(SerialPortError) {
        if isTerminal { _ = tcflush(io.fd, TCOFLUSH) }
    }
}
