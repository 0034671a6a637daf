import KioskProtocol
import KioskSystem

/// Talks to a running receiver's admin listener (the `kiosk-central fault` command).
public enum AdminClient {
    /// Posts a fault order to the admin listener `server` (`http://127.0.0.1:8081`) with the
    /// admin `token`, and returns the answer body.
    ///
    /// Throws when the server cannot be reached or answers anything but 200.
    public static func send(_ order: FaultOrder, server: String, token: String) throws -> String {
        let (host, port) = try address(of: server)
        let body = try JSONDocumentEncoder().encode(order)
        let socket = try Socket.connect(host: host, port: port)
        defer { socket.close() }
        socket.configureConnection(sendTimeoutSeconds: 10)
        let head =
            "POST /admin/fault HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Type: application/json\r\nAuthorization: Bearer \(token)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        guard socket.writeAll(Array(head.utf8) + body) else {
            throw CentralError("\(server): connection lost while sending")
        }
        var response: [UInt8] = []
        let deadline = monotonicNanoseconds() + 10_000_000_000
        reading: while true {
            switch socket.read(into: &response, maxBytes: 16 * 1024, deadline: deadline) {
            case .bytes: continue
            case .endOfStream: break reading
            case .timedOut: throw CentralError("\(server): no answer within 10 s")
            case .failed: throw CentralError("\(server): connection failed while reading the answer")
            }
        }
        guard let split = response.firstRange(of: [13, 10, 13, 10], from: 0) else {
            throw CentralError("\(server): the answer is not HTTP")
        }
        let statusLine = String(decoding: response[0..<split], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let answer = String(decoding: response[(split + 4)...], as: UTF8.self)
        guard statusLine.split(separator: " ").dropFirst().first == "200" else {
            throw CentralError("\(server): \(statusLine) \(answer)")
        }
        return answer
    }

    /// `http://host:port[/]` → host and port (port 80 when absent).
    static func address(of server: String) throws -> (String, Int) {
        guard server.hasPrefix("http://") else {
            throw CentralError("server \(server): use http://HOST:PORT (the admin endpoint is plain HTTP on loopback)")
        }
        var rest = server.dropFirst("http://".count)
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            let host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":"), let port = after.isEmpty ? 80 : Int(after.dropFirst()) else {
                throw CentralError("server \(server): bad port")
            }
            return (host, port)
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty else { throw CentralError("server \(server): bad address") }
        guard parts.count == 1 || Int(parts[1]) != nil else { throw CentralError("server \(server): bad port") }
        return (String(parts[0]), parts.count == 2 ? Int(parts[1])! : 80)
    }
}
