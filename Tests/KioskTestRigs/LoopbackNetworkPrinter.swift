import Foundation
import KioskEmulators
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A network receipt printer on 127.0.0.1 (an ephemeral port): takes one connection at a time
/// on its own thread, keeps the bytes each connection brought, answers every `DLE EOT n` and
/// `GS r n` as a healthy printer does, and can drop a connection (reset) after a given number of bytes.
package final class LoopbackNetworkPrinter: Sendable {
    package struct Shared {
        package var connections: [[UInt8]] = []
        package var dropAfterBytes: Int?
        package var stopping = false
    }

    package let port: UInt16
    package let shared = Mutex(Shared())
    private let listener: Int32

    package init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EIO) }
        var small: Int32 = 4096  // a small window, so a long job cannot be acknowledged whole before a drop
        setsockopt(listener, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 4) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.listener = listener
        port = UInt16(bigEndian: address.sin_port)
        let fd = listener
        let thread = Thread { [self] in self.serve(fd) }
        thread.start()
    }

    package var address: String { "tcp://127.0.0.1:\(port)" }

    package func stop() {
        shared.withLock { $0.stopping = true }
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func serve(_ listener: Int32) {
        while !shared.withLock({ $0.stopping }) {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            shared.withLock { $0.connections.append([]) }
            handle(connection)
        }
        close(listener)
    }

    private func handle(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 1024)
        var tail: [UInt8] = []
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            let chunk = Array(buffer[0..<n])
            let drop = shared.withLock { s -> Bool in
                s.connections[s.connections.count - 1] += chunk
                if let limit = s.dropAfterBytes, s.connections[s.connections.count - 1].count >= limit {
                    s.dropAfterBytes = nil
                    return true
                }
                return false
            }
            if drop {
                // Reset, as a printer that loses power or reboots mid-job.
                var linger = linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
                break
            }
            // Answer DLE EOT n and GS r n (also across chunk boundaries) as a ready printer that
            // prints what it gets at once: a job's closing `GS r 1` is answered when it arrives.
            let stream = tail + chunk
            var answers: [UInt8] = []
            var i = 0
            while i + 2 < stream.count {
                if stream[i] == 0x10 && stream[i + 1] == 0x04, let a = EmulatedPrinterState().answer(to: stream[i + 2])
                {
                    answers.append(a)
                    i += 3
                } else if stream[i] == 0x1D && stream[i + 1] == 0x72 {
                    answers.append(EmulatedPrinterState().processedAnswer(to: stream[i + 2]))
                    i += 3
                } else {
                    i += 1
                }
            }
            tail = Array(stream.suffix(from: max(i, stream.count - 2)))
            if !answers.isEmpty { _ = send(fd, answers, answers.count, Int32(MSG_NOSIGNAL)) }
        }
        close(fd)
    }
}
