import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The raw Unix-stream-socket calls the control server and client share: addresses,
/// connecting, non-blocking writes bounded in time, peer credentials.
package enum UnixStream {
    /// `sun_path` holds 108 bytes with its terminating NUL.
    package static let maximumPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// Runs `body` with the socket address of `path`; nil when the path is too long.
    package static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T? {
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumPathBytes, !bytes.contains(0) else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// A new stream socket, close-on-exec.
    package static func makeSocket() throws(SystemError) -> Int32 {
        try retryingInterrupts("socket(AF_UNIX)") {
            socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
    }

    /// Connects a new socket to `path`; the caller owns the descriptor returned.
    ///
    /// The corresponding C functions are `socket` and `connect`.
    package static func connect(to path: String) throws(SystemError) -> Int32 {
        let fd = try makeSocket()
        let result = withAddress(path) { address, length in
            while true {
                if Glibc.connect(fd, address, length) == 0 { return Int32(0) }
                if errno != EINTR { return errno }
            }
        }
        guard let result else {
            close(fd)
            throw SystemError(ENAMETOOLONG, call: "connect(\(path))")
        }
        guard result == 0 else {
            close(fd)
            throw SystemError(result, call: "connect(\(path))")
        }
        return fd
    }

    /// Sets `O_NONBLOCK`, so that writes can be bounded in time with `poll`.
    package static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    /// Writes every byte before `deadline` (monotonic nanoseconds) on a non-blocking socket.
    /// False when the peer is gone or too slow; the caller then closes the connection.
    ///
    /// `MSG_NOSIGNAL`: a closed peer gives `EPIPE`, never `SIGPIPE`.
    package static func write(_ bytes: [UInt8], to fd: Int32, deadline: UInt64) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                offset += n
                continue
            }
            guard n < 0 else { return false }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK:
                let outcome = try? waitForDescriptor(
                    fd, for: Int16(POLLOUT), until: MonotonicDeadline(nanoseconds: deadline))
                guard case .ready(let revents) = outcome, revents[0] & Int16(POLLERR | POLLHUP | POLLNVAL) == 0 else {
                    return false
                }
            default:
                return false
            }
        }
        return true
    }

    /// The login name of `uid`, nil when it has none. The corresponding C function is `getpwuid_r`.
    package static func userName(uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name
        else { return nil }
        return String(cString: name)
    }

    /// The connecting process as the kernel saw it: `SO_PEERCRED`.
    package struct PeerCredentials: Sendable, Equatable {
        package var pid: Int32
        package var uid: UInt32
        package var gid: UInt32
    }

    /// Reads `SO_PEERCRED`. Glibc's module lacks `struct ucred` (it is behind `_GNU_SOURCE`);
    /// Linux defines it as three 32-bit fields: pid, uid, gid.
    package static func peerCredentials(_ fd: Int32) -> PeerCredentials? {
        var fields: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: fields))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &fields, &length) == 0,
            length == MemoryLayout.size(ofValue: fields)
        else { return nil }
        return PeerCredentials(pid: fields.0, uid: fields.1, gid: fields.2)
    }
}
