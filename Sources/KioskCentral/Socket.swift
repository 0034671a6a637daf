import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP socket descriptor: listening or connected. A plain value; whoever holds it after
/// `accept` or `connect` owns it and closes it once.
struct Socket: Sendable, Hashable {
    /// The file descriptor.
    let fd: Int32

    // MARK: Listening

    /// Binds and listens on `host:port` (`port` 0: the kernel picks one).
    ///
    /// `host` is an IPv4 or IPv6 literal or a name such as `localhost`; the first address
    /// that binds wins. The corresponding C functions are `getaddrinfo`, `socket`, `bind`, `listen`.
    static func listen(host: String, port: Int, backlog: Int32 = 128) throws -> Socket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &list)
        guard code == 0, let list else {
            throw CentralError("listen \(host):\(port): cannot resolve host: \(String(cString: gai_strerror(code)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = SystemError(EADDRNOTAVAIL, call: "bind(\(host):\(port))")
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 {
                lastError = SystemError(errno, call: "socket")
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 {
                lastError = SystemError(errno, call: "bind(\(host):\(port))")
                Glibc.close(fd)
                continue
            }
            if Glibc.listen(fd, backlog) != 0 {
                lastError = SystemError(errno, call: "listen(\(host):\(port))")
                Glibc.close(fd)
                continue
            }
            return Socket(fd: fd)
        }
        throw CentralError("\(lastError)")
    }

    /// The port the socket is bound to. The corresponding C function is `getsockname`.
    var localPort: Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard ok == 0 else { return 0 }
        return Self.port(of: storage)
    }

    /// Waits up to `timeoutMilliseconds` for a connection; nil on timeout or a transient error.
    ///
    /// The corresponding C functions are `poll` and `accept`.
    func accept(timeoutMilliseconds: Int32) -> (Socket, isLoopback: Bool, address: String)? {
        let deadline = MonotonicDeadline(afterNanoseconds: UInt64(max(0, timeoutMilliseconds)) * 1_000_000)
        guard case .ready = try? waitForDescriptor(fd, until: deadline) else { return nil }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let client = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(fd, $0, &length) }
        }
        // EMFILE, ECONNABORTED, EINTR…: nothing to do for this one; the loop goes on.
        guard client >= 0 else { return nil }
        _ = fcntl(client, F_SETFD, FD_CLOEXEC)
        return (Socket(fd: client), Self.isLoopback(storage), Self.address(of: storage))
    }

    /// The peer's IP address as text (`127.0.0.2`, `::1`); IPv4-mapped IPv6 addresses as IPv4,
    /// so one client counts once whichever way it came.
    private static func address(of storage: sockaddr_storage) -> String {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(storage.ss_family) {
        case AF_INET:
            withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                    var address = pointer.pointee.sin_addr
                    _ = inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
                }
            }
        case AF_INET6:
            withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    var address = pointer.pointee.sin6_addr
                    _ = inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
                }
            }
        default:
            return "unknown"
        }
        let result = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return result.hasPrefix("::ffff:") && result.contains(".") ? String(result.dropFirst(7)) : result
    }

    private static func port(of storage: sockaddr_storage) -> Int {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    Int(UInt16(bigEndian: $0.pointee.sin6_port))
                }
            }
        default:
            return 0
        }
    }

    private static func isLoopback(_ storage: sockaddr_storage) -> Bool {
        var storage = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    UInt32(bigEndian: $0.pointee.sin_addr.s_addr) >> 24 == 127
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { bytes in
                        // ::1, or ::ffff:127.x.x.x (IPv4-mapped loopback).
                        let loopback = bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1
                        let mapped =
                            bytes.prefix(10).allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
                            && bytes[12] == 127
                        return loopback || mapped
                    }
                }
            }
        default:
            return false
        }
    }

    // MARK: Connected

    /// Connects to `host:port` (client side: the `fault` command and tests).
    static func connect(host: String, port: Int) throws -> Socket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, String(port), &hints, &list)
        guard code == 0, let list else {
            throw CentralError("connect \(host):\(port): cannot resolve host: \(String(cString: gai_strerror(code)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = SystemError(ECONNREFUSED, call: "connect(\(host):\(port))")
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                return Socket(fd: fd)
            }
            lastError = SystemError(errno, call: "connect(\(host):\(port))")
            Glibc.close(fd)
        }
        throw CentralError("\(lastError)")
    }

    /// Sets `TCP_NODELAY` and a send timeout, so a client that stops reading cannot hold a
    /// writer forever.
    func configureConnection(sendTimeoutSeconds: Int) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: sendTimeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// What a bounded read produced.
    enum ReadResult {
        /// Bytes arrived.
        case bytes(Int)
        /// The peer closed its side.
        case endOfStream
        /// Nothing arrived before the deadline.
        case timedOut
        /// The connection failed (reset, …).
        case failed
    }

    /// Reads what is available into `buffer`, waiting at most until `deadline`
    /// (monotonic nanoseconds). The corresponding C functions are `poll` and `recv`.
    func read(into buffer: inout [UInt8], maxBytes: Int, deadline: UInt64) -> ReadResult {
        while true {
            switch try? waitForDescriptor(fd, until: MonotonicDeadline(nanoseconds: deadline)) {
            case .ready: break
            case .timedOut: return .timedOut
            case .stopped, nil: return .failed
            }
            let n = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxBytes) { scratch -> Int in
                let n = recv(fd, scratch.baseAddress, maxBytes, 0)
                if n > 0 { buffer.append(contentsOf: UnsafeBufferPointer(rebasing: scratch[0..<n])) }
                return n
            }
            if n > 0 { return .bytes(n) }
            if n == 0 { return .endOfStream }
            if errno == EINTR || errno == EAGAIN { continue }
            return .failed
        }
    }

    /// Writes all of `bytes`; false when the peer is gone or the send timeout passed.
    ///
    /// The corresponding C function is `send` (with `MSG_NOSIGNAL`, so no `SIGPIPE`).
    @discardableResult
    func writeAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Stops further sends (FIN) and wakes a reader blocked in `poll`.
    func shutdown() {
        _ = Glibc.shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Stops sending (FIN) but keeps reading.
    func shutdownWrite() {
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
    }

    /// Closes the descriptor (never retried on EINTR).
    func close() {
        _ = Glibc.close(fd)
    }

    /// Closes with `SO_LINGER` 0, so the peer gets a TCP RST instead of a FIN.
    func closeWithReset() {
        var linger = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        _ = Glibc.close(fd)
    }
}

/// An error of the receiver, worded for the person running it.
public struct CentralError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, e.g. "bind(127.0.0.1:8080): Address already in use (errno 98)".
    public var description: String

    /// Creates an error with its text.
    public init(_ description: String) { self.description = description }
}
