import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback HTTP/1.1 server that answers each request with the next canned action, for
/// exercising `CurlTransport` against real sockets without the central server.
///
/// `@unchecked Sendable`: the mutable script and counters are guarded by `state`; the
/// listening socket is set once in `init`, shut down by `stop()` and closed by the
/// accept thread.
final class CannedHTTPServer: @unchecked Sendable {
    enum Action: Sendable {
        /// Send these raw bytes, keep the connection for the next request.
        case respond(String)
        /// Send a response with a body of `bytes` bytes.
        case body(bytes: Int)
        /// Close with RST (SO_LINGER 0) without answering.
        case reset
        /// Read the request and never answer (until the client gives up).
        case stall
        /// On connect, write these bytes before reading anything, then close.
        case immediate(String)
    }

    struct State {
        var script: [Action]
        var connections = 0
        var requests: [String] = []
        var stopped = false
    }

    let port: Int
    private let listener: Int32
    private let state: Mutex<State>

    init(script: [Action]) throws {
        state = Mutex(State(script: script))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    var connections: Int { state.withLock { $0.connections } }
    var requests: [String] { state.withLock { $0.requests } }

    func stop() {
        state.withLock { $0.stopped = true }
        // Only shut down here: the accept thread closes the descriptor when accept fails.
        // Closing it here would let another test reuse the number while this thread still
        // calls accept() on it, stealing that test's connections.
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                close(listener)
                return
            }
            state.withLock { $0.connections += 1 }
            Thread { [self] in serve(client) }.start()
        }
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var pending: [UInt8] = []
        let greeting: String? = state.withLock {
            if case .immediate(let text)? = $0.script.first {
                $0.script.removeFirst()
                return text
            }
            return nil
        }
        if let greeting {
            writeAll(fd, Array(greeting.utf8))
            return
        }
        while true {
            guard let request = readRequest(fd, &pending) else { return }
            let action: Action? = state.withLock {
                $0.requests.append(request)
                return $0.script.isEmpty ? nil : $0.script.removeFirst()
            }
            switch action ?? .respond("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") {
            case .respond(let text):
                writeAll(fd, Array(text.utf8))
            case .body(let bytes):
                writeAll(fd, Array("HTTP/1.1 200 OK\r\nContent-Length: \(bytes)\r\n\r\n".utf8))
                writeAll(fd, [UInt8](repeating: UInt8(ascii: "x"), count: bytes))
            case .reset:
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                return
            case .immediate:
                return
            case .stall:
                var byte: UInt8 = 0
                while read(fd, &byte, 1) > 0 {}
                return
            }
        }
    }

    /// Reads one request (head and Content-Length body); returns its head, nil at EOF.
    private func readRequest(_ fd: Int32, _ pending: inout [UInt8]) -> String? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let end = headEnd(pending) {
                let head = String(decoding: pending[..<end], as: UTF8.self)
                var length = 0
                for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                    length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                }
                if pending.count >= end + 4 + length {
                    pending.removeFirst(end + 4 + length)
                    return head
                }
            }
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { return nil }
            pending.append(contentsOf: chunk[..<n])
        }
    }

    private func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4)
        where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }
}
