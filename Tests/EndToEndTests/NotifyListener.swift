import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A datagram socket standing in for systemd's `$NOTIFY_SOCKET`: records every message.
final class NotifyListener: Sendable {
    /// The value for `NOTIFY_SOCKET` (`@name` when abstract).
    let address: String
    private let fd: Int32
    private let messages = Mutex<[(at: ContinuousClock.Instant, text: String)]>([])
    private let running = Atomic<Bool>(true)

    init(directory: String, abstract: Bool) throws {
        let name = abstract ? "@kiosk-test-notify-\(UUID().uuidString.prefix(8))" : directory + "/notify.sock"
        address = name
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while running.load(ordering: .relaxed) {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n > 0 {
                    let text = String(decoding: buffer[0..<n], as: UTF8.self)
                    messages.withLock { $0.append((.now, text)) }
                }
            }
            close(fd)
        }
        thread.start()
    }

    /// Every message so far.
    var all: [String] { messages.withLock { $0.map(\.text) } }

    /// Times at which a message containing `text` arrived.
    func times(of text: String) -> [ContinuousClock.Instant] {
        messages.withLock { $0.filter { $0.text.contains(text) }.map(\.at) }
    }

    /// Waits until at least `count` messages contain `text`.
    func waitForCount(of text: String, atLeast count: Int, timeout: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if times(of: text).count >= count { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Waits until a message contains `text`.
    func wait(for text: String, timeout: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if all.contains(where: { $0.contains(text) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Stops listening; the socket closes within 100 ms.
    func stop() { running.store(false, ordering: .relaxed) }
}
