import CKioskShim
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A network receipt printer on a raw TCP port (9100, "JetDirect"): the job's bytes go over
/// the connection and `DLE EOT` status answers come back on it, as on a serial line.
///
/// A printer that drops the connection mid-job shows as a hang-up (device gone), so the link
/// reconnects with backoff and the job's outcome says how many bytes were written. The drain
/// waits until the printer has acknowledged every byte (the socket's unsent queue is empty).
final class NetworkPrinterPort: PrinterTransport {
    /// `tcp://HOST:PORT`, for errors.
    let name: String
    private var io: PrinterDescriptorIO

    /// The descriptor (for the link's poll set); -1 once closed.
    var fileDescriptor: Int32 { io.fd }

    /// Resolves `host` and connects, each address in turn, within `connectTimeout` each.
    ///
    /// The corresponding C functions are `getaddrinfo`, `socket`, `connect`, `poll`,
    /// `getsockopt(SO_ERROR)` and `setsockopt(TCP_NODELAY, SO_KEEPALIVE)`.
    init(host: String, port: UInt16, name: String, connectTimeout: Duration) throws(SerialPortError) {
        self.name = name
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .from(
                SystemError(ENOENT, call: "getaddrinfo"), port: .network, path: name, operation: "resolving \(host)")
        }
        defer { freeaddrinfo(list) }
        var lastError = SystemError(ECONNREFUSED, call: "connect")
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let a = entry {
            entry = a.pointee.ai_next
            let fd = socket(
                a.pointee.ai_family,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 {
                lastError = SystemError(errno, call: "socket")
                continue
            }
            if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) != 0 && errno != EINPROGRESS {
                lastError = SystemError(errno, call: "connect")
                Glibc.close(fd)
                continue
            }
            let deadline = MonotonicDeadline(after: connectTimeout)
            let ready = (try? waitForDescriptor(fd, for: Int16(POLLOUT), until: deadline))?.events(of: 0) ?? 0
            var soError: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length)
            if ready == 0 || soError != 0 {
                lastError = SystemError(ready == 0 ? ETIMEDOUT : soError, call: "connect")
                Glibc.close(fd)
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
            io = PrinterDescriptorIO(fd: fd, name: name, isSocket: true)
            return
        }
        throw .from(lastError, port: .network, path: name, operation: "connecting")
    }

    deinit { close() }

    func close() {
        if io.fd >= 0 { Glibc.close(io.fd) }
        io.fd = -1
    }

    func write(_ bytes: [UInt8], timeout: Duration) throws(SerialPortError) {
        try io.write(bytes, timeout: timeout)
    }

    /// Waits until the printer has acknowledged every byte: the socket's send queue
    /// (`SIOCOUTQ`, the same number as `TIOCOUTQ`) is empty.
    func drain(timeout: Duration) throws(SerialPortError) {
        let deadline = MonotonicDeadline(after: timeout)
        while true {
            var queued: Int32 = 0
            guard kiosk_ioctl_pointer(io.fd, kiosk_TIOCOUTQ(), &queued) == 0 else {
                throw .from(
                    SystemError(errno, call: "ioctl(SIOCOUTQ)"), port: .network, path: name, operation: "draining")
            }
            if queued == 0 { return }
            // A peer that went away leaves bytes queued forever: notice the hang-up.
            var peek: UInt8 = 0
            let n = recv(io.fd, &peek, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
            if n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE)) {
                throw .hangUp(port: .network, path: name, operation: "draining (\(queued) bytes unacknowledged)")
            }
            if deadline.hasPassed {
                throw .timedOut(port: .network, path: name, operation: "draining (\(queued) bytes unacknowledged)")
            }
            sleepOnThread(nanoseconds: min(2_000_000, max(deadline.remainingNanoseconds, 1)))
        }
    }

    func read(upTo maxCount: Int, timeout: Duration) throws(SerialPortError) -> [UInt8] {
        try io.read(upTo: maxCount, timeout: timeout)
    }

    func discardInput() throws(SerialPortError) { try io.discardInput() }

    /// Bytes handed to TCP cannot be called back; the job's outcome says they may be partial.
    func discardOutput() throws(SerialPortError) {}
}
