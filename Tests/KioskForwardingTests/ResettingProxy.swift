import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback HTTP/1.1 proxy in front of a real server that, when told to, lets a request
/// reach the server and be processed, then resets the client's connection instead of passing
/// the answer back: the central processed the batch, the kiosk never heard.
///
/// One thread per client connection; each request goes to the server on a connection of its
/// own. `@unchecked Sendable`: the listening socket is set once in `init`; the rest is `state`.
final class ResettingProxy: @unchecked Sendable {
    struct State {
        /// Requests (counted from 1, across connections) whose answer is replaced by a reset.
        var resetRequests: Set<Int> = []
        var requests = 0
        var connections = 0
    }

    let port: Int
    private let backendPort: Int
    private let listener: Int32
    private let state = Mutex(State())

    init(backendPort: Int) throws {
        self.backendPort = backendPort
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: 0)
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
        Thread { [self] in acceptLoop() }.start()
    }

    /// Resets the connection after the `n`th request (from 1) was answered by the server.
    func resetAfterProcessing(request n: Int) { state.withLock { _ = $0.resetRequests.insert(n) } }

    var requests: Int { state.withLock { $0.requests } }
    var connections: Int { state.withLock { $0.connections } }

    func stop() { shutdown(listener, Int32(SHUT_RDWR)) }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
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

    private func serve(_ client: Int32) {
        var pending: [UInt8] = []
        while let request = Self.readMessage(client, &pending) {
            let (number, reset) = state.withLock { s -> (Int, Bool) in
                s.requests += 1
                return (s.requests, s.resetRequests.contains(s.requests))
            }
            _ = number
            guard let answer = forward(request) else { break }
            if reset {
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                break
            }
            Self.writeAll(client, answer)
        }
        close(client)
    }

    /// Sends one request to the server on a new connection and returns its whole answer.
    private func forward(_ request: [UInt8]) -> [UInt8]? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = Self.loopback(port: backendPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return nil }
        Self.writeAll(fd, request)
        var pending: [UInt8] = []
        return Self.readMessage(fd, &pending)
    }

    /// Reads one message (head and `Content-Length` body) into its raw bytes; nil at EOF.
    private static func readMessage(_ fd: Int32, _ pending: inout [UInt8]) -> [UInt8]? {
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
                    return message
                }
            }
            let n = read(fd, &chunk, chunk.count)
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

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }
}
