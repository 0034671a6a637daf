#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Tells systemd how the service is doing: `READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1`.
///
/// A datagram to the socket named by `$NOTIFY_SOCKET` (a path, or an abstract name when it
/// starts with `@`); no libsystemd. Without the variable (run by hand, in tests) it does nothing.
/// The corresponding C function is `sd_notify`.
public struct SystemdNotifier: Sendable {
    /// The socket address from `$NOTIFY_SOCKET`, or nil when not run by systemd.
    public let socketPath: String?

    /// Reads `$NOTIFY_SOCKET` (or uses `socketPath` when given).
    public init(socketPath: String? = nil) {
        if let socketPath {
            self.socketPath = socketPath
        } else if let value = getenv("NOTIFY_SOCKET") {
            let path = String(cString: value)
            self.socketPath = path.isEmpty ? nil : path
        } else {
            self.socketPath = nil
        }
    }

    /// Whether messages go anywhere.
    public var isEnabled: Bool { socketPath != nil }

    /// Sends `READY=1`, optionally with a status line.
    public func ready(status: String? = nil) throws(SystemError) {
        try send(["READY=1"] + (status.map { ["STATUS=" + Self.oneLine($0)] } ?? []))
    }

    /// Sends a one-line `STATUS=`.
    public func status(_ text: String) throws(SystemError) { try send(["STATUS=" + Self.oneLine(text)]) }

    /// Sends `STOPPING=1`.
    public func stopping() throws(SystemError) { try send(["STOPPING=1"]) }

    /// Sends `RELOADING=1` with the monotonic time systemd wants alongside it.
    public func reloading() throws(SystemError) {
        try send(["RELOADING=1", "MONOTONIC_USEC=\(monotonicNanoseconds() / 1000)"])
    }

    /// Sends `WATCHDOG=1`.
    public func watchdog() throws(SystemError) { try send(["WATCHDOG=1"]) }

    /// The watchdog interval systemd asked for (`$WATCHDOG_USEC`), when it is meant for this process.
    public static func watchdogInterval() -> Duration? {
        guard let raw = getenv("WATCHDOG_USEC"), let usec = UInt64(String(cString: raw)), usec > 0 else { return nil }
        if let pidText = getenv("WATCHDOG_PID"), let pid = Int32(String(cString: pidText)), pid != getpid() {
            return nil
        }
        return .microseconds(Int64(usec))
    }

    /// Sends newline-separated assignments in one datagram.
    public func send(_ assignments: [String]) throws(SystemError) {
        guard let socketPath else { return }
        let message = Array(assignments.joined(separator: "\n").utf8)
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError(errno, call: "socket(AF_UNIX) for NOTIFY_SOCKET") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { throw SystemError(ENAMETOOLONG, call: "NOTIFY_SOCKET \(socketPath)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), sa, length) }
            }
        }
        if sent < 0 { throw SystemError(errno, call: "sendto(NOTIFY_SOCKET \(socketPath))") }
    }

    static func oneLine(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 ? " " : $0 }))
    }
}
