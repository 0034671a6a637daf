import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Bounded writes and reads on a non-blocking descriptor that is not a terminal (a usblp
/// device, a TCP socket): `poll` with the remaining time, partial writes, `EAGAIN`, hang-ups.
struct PrinterDescriptorIO {
    /// The descriptor (owned by the port using this).
    var fd: Int32
    /// Name in errors: the path or the `tcp://` address.
    var name: String
    /// Whether writes go through `send(MSG_NOSIGNAL)` (sockets: a dropped peer must not raise SIGPIPE).
    var isSocket: Bool
    /// The kind of port, for errors: a socket is a network printer's, a node a USB printer's.
    var port: SerialPortError.Port { isSocket ? .network : .usbPrinter }

    /// Writes every byte before the deadline.
    ///
    /// The corresponding C functions are `poll` and `write` (`send` on sockets).
    func write(_ bytes: [UInt8], timeout: Duration) throws(SerialPortError) {
        let deadline = MonotonicDeadline(after: timeout)
        let operation = "writing \(bytes.count) bytes"
        var written = 0
        while written < bytes.count {
            try DescriptorReadiness.wait(
                fd, for: Int16(POLLOUT), until: deadline, port: port, name: name, operation: operation,
                bytesWritten: written)
            let n = bytes.withUnsafeBufferPointer { buffer in
                isSocket
                    ? Glibc.send(fd, buffer.baseAddress! + written, bytes.count - written, Int32(MSG_NOSIGNAL))
                    : Glibc.write(fd, buffer.baseAddress! + written, bytes.count - written)
            }
            if n >= 0 {
                written += n
                continue
            }
            let code = errno
            if code == EINTR || code == EAGAIN { continue }
            if code == EPIPE || code == ECONNRESET || code == ENOTCONN {
                throw .hangUp(port: port, path: name, operation: operation, bytesWritten: written)
            }
            throw SerialPortError.from(
                SystemError(code, call: isSocket ? "send" : "write"), port: port, path: name, operation: operation,
                bytesWritten: written)
        }
    }

    /// Reads up to `maxCount` bytes, waiting at most `timeout` for the first; zero bytes read
    /// (end of stream) is a hang-up.
    ///
    /// The corresponding C functions are `poll` and `read`.
    func read(upTo maxCount: Int, timeout: Duration) throws(SerialPortError) -> [UInt8] {
        let deadline = MonotonicDeadline(after: timeout)
        while true {
            do {
                try DescriptorReadiness.wait(
                    fd, for: Int16(POLLIN), until: deadline, port: port, name: name, operation: "reading",
                    bytesWritten: nil)
            } catch {
                if error.isTimeout { return [] }
                throw error
            }
            var buffer = [UInt8](repeating: 0, count: max(1, maxCount))
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { return Array(buffer[0..<n]) }
            if n == 0 { throw .hangUp(port: port, path: name, operation: "reading") }
            let code = errno
            if code == EINTR || code == EAGAIN { continue }
            if code == ECONNRESET { throw .hangUp(port: port, path: name, operation: "reading") }
            throw SerialPortError.from(SystemError(code, call: "read"), port: port, path: name, operation: "reading")
        }
    }

    /// Reads and drops what is waiting, without waiting for more.
    func discardInput() throws(SerialPortError) {
        for _ in 0..<64 where try !read(upTo: 4096, timeout: .zero).isEmpty {}
    }
}
