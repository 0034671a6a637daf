import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP listener on 127.0.0.1 (an ephemeral port) that hands each connection to `serve` on
/// a thread of its own: the socket scaffolding of the test targets' loopback HTTP servers and
/// proxies (`CannedHTTPServer`, `ResettingProxy`).
///
/// `@unchecked Sendable`: the descriptor is set once in `init`, shut down by `stop()` and
/// closed by the accept thread.
public final class LoopbackListener: @unchecked Sendable {
    /// The port it listens on.
    public let port: Int
    private let listener: Int32

    /// Starts listening; `serve` gets each accepted descriptor and must close it.
    public init(serve: @escaping @Sendable (Int32) -> Void) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = LoopbackListener.address(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR { continue }
                    close(fd)
                    return
                }
                Thread { serve(client) }.start()
            }
        }.start()
    }

    /// Stops accepting. Only shuts the socket down: the accept thread closes it when accept
    /// fails. Closing it here would let another test reuse the number while this thread still
    /// calls accept() on it, stealing that test's connections.
    public func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    /// `127.0.0.1:port`.
    public static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    /// A new connection to `127.0.0.1:port`; nil when refused. The caller closes it.
    public static func connect(port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = address(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Makes the coming `close` of `fd` a reset (RST, `SO_LINGER` 0) instead of a FIN.
    public static func resetOnClose(_ fd: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }
}

/// HTTP/1.1 messages on a socket, as the test servers read and write them: a head, then a
/// `Content-Length` body.
public enum HTTPMessageWire {
    /// Reads one message (head and body) from `fd`, keeping what follows in `pending`; nil at
    /// end of input. `head` is the head's text without the blank line.
    public static func read(_ fd: Int32, _ pending: inout [UInt8]) -> (head: String, message: [UInt8])? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let end = headEnd(pending) {
                let head = String(decoding: pending[..<end], as: UTF8.self)
                var length = 0
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
                if pending.count >= end + 4 + length {
                    let message = Array(pending[..<(end + 4 + length)])
                    pending.removeFirst(end + 4 + length)
                    return (head, message)
                }
            }
            let n = Glibc.read(fd, &chunk, chunk.count)
            if n <= 0 { return nil }
            pending.append(contentsOf: chunk[..<n])
        }
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4)
        where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }

    /// Writes every byte (blocking); stops quietly when the peer is gone.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }
}
