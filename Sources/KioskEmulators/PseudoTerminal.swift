import CKioskShim
import KioskDevices
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A pseudo-terminal pair: a real tty path (the slave) whose termios calls work like a serial
/// port's, and the master end that an emulated device reads and writes.
///
/// Tests and the demo open `slavePath` (or a symlink to it, see `publish(at:)`) with
/// `SerialPort`. The pair keeps its own descriptor on the slave so the line stays up while
/// the port is closed and reopened; `close()` drops both, and the slave's users then see a
/// hang-up (EIO, `POLLHUP`), as with an unplugged USB adapter.
///
/// Not `Sendable`; the emulated printer owns one on its thread.
public final class PseudoTerminal {
    /// The slave's path, e.g. `/dev/pts/7`.
    public let slavePath: String
    private var master: Int32
    private var heldSlave: Int32

    /// Opens a new pair with the slave in raw mode (no echo before anyone configures it).
    ///
    /// The corresponding C functions are `posix_openpt`, `grantpt`, `unlockpt` and `ptsname_r`.
    public init() throws(SystemError) {
        let m = try retryingInterrupts("posix_openpt") { kiosk_posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC) }
        var path = [CChar](repeating: 0, count: 128)
        do throws(SystemError) {
            try retryingInterrupts("grantpt") { kiosk_grantpt(m) }
            try retryingInterrupts("unlockpt") { kiosk_unlockpt(m) }
            let rc = kiosk_ptsname_r(m, &path, path.count)
            guard rc == 0 else { throw SystemError(rc, call: "ptsname_r") }
        } catch {
            Glibc.close(m)
            throw error
        }
        let slavePath = String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let s: Int32
        do throws(SystemError) {
            s = try retryingInterrupts("open(\(slavePath))") {
                Glibc.open(slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
            }
            var t = termios()
            try retryingInterrupts("tcgetattr") { tcgetattr(s, &t) }
            cfmakeraw(&t)
            try retryingInterrupts("tcsetattr") { tcsetattr(s, TCSANOW, &t) }
            let flags = try retryingInterrupts("fcntl(F_GETFL)") { fcntl(m, F_GETFL) }
            try retryingInterrupts("fcntl(F_SETFL)") { fcntl(m, F_SETFL, flags | O_NONBLOCK) }
        } catch {
            Glibc.close(m)
            throw error
        }
        self.slavePath = slavePath
        self.master = m
        self.heldSlave = s
    }

    deinit { close() }

    /// The master end's descriptor (non-blocking), -1 once closed.
    public var masterDescriptor: Int32 { master }

    /// Whether the pair is still open.
    public var isOpen: Bool { master >= 0 }

    /// Closes both ends: the slave's users get EIO and `POLLHUP` ("unplugged").
    ///
    /// The corresponding C function is `close`.
    public func close() {
        if master >= 0 { Glibc.close(master) }
        if heldSlave >= 0 { Glibc.close(heldSlave) }
        master = -1
        heldSlave = -1
    }

    /// The slave's terminal attributes as the last `tcsetattr` left them (any descriptor of
    /// a tty shows the same settings).
    ///
    /// The corresponding C function is `tcgetattr`.
    public func slaveAttributes() throws(SystemError) -> termios {
        var t = termios()
        try retryingInterrupts("tcgetattr") { tcgetattr(heldSlave, &t) }
        return t
    }

    /// Reads what the slave's users wrote, up to `maxCount` bytes, waiting at most
    /// `timeoutMilliseconds`; empty when nothing came.
    ///
    /// The corresponding C functions are `poll` and `read`.
    public func readMaster(upTo maxCount: Int, timeoutMilliseconds: Int32) throws(SystemError) -> [UInt8] {
        let deadline =
            timeoutMilliseconds < 0 ? nil : MonotonicDeadline(afterNanoseconds: UInt64(timeoutMilliseconds) * 1_000_000)
        let outcome = try waitForDescriptor(master, until: deadline)
        guard outcome.events(of: 0) & Int16(POLLIN) != 0 else { return [] }
        var buffer = [UInt8](repeating: 0, count: maxCount)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
        if n < 0 {
            let code = errno
            if code == EAGAIN || code == EINTR { return [] }
            throw SystemError(code, call: "read(pty master)")
        }
        return Array(buffer[0..<n])
    }

    /// Writes `bytes` to the slave's readers (a device's answer); what does not fit in the
    /// line's buffer is dropped, as a real device's output would be with nobody reading.
    ///
    /// The corresponding C function is `write`.
    @discardableResult
    public func writeMaster(_ bytes: [UInt8]) -> Int {
        guard master >= 0, !bytes.isEmpty else { return 0 }
        let n = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
        return max(0, n)
    }

    /// Points the symlink `linkPath` at this slave, atomically (a new link renamed over the
    /// old), like udev's `/dev/kiosk-printer`.
    ///
    /// The corresponding C functions are `symlink` and `rename`.
    public func publish(at linkPath: String) throws(SystemError) {
        let temporary = linkPath + ".new"
        unlink(temporary)
        try retryingInterrupts("symlink(\(temporary))") { symlink(slavePath, temporary) }
        try retryingInterrupts("rename(\(linkPath))") { rename(temporary, linkPath) }
    }

    /// Removes the symlink `linkPath` (the device node disappears on unplug).
    ///
    /// The corresponding C function is `unlink`.
    public static func unpublish(_ linkPath: String) {
        unlink(linkPath)
    }
}
