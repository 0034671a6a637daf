import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A deliberately plain HTTP/1.1 client on a raw socket, so tests can send malformed bytes
/// and see exactly what the receiver does (answer, FIN, RST, silence).
final class RawHTTPClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() -> [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
    }

    enum Outcome {
        case response(Response)
        /// Orderly close (FIN) with `bytes` received before it and no complete response.
        case closed(bytes: [UInt8])
        /// Connection reset (RST).
        case reset
        /// Nothing within the wait.
        case silent

        var response: Response? { if case .response(let r) = self { r } else { nil } }
    }

    /// Connects to 127.0.0.1:`port`, from `source` (another loopback address, 127.0.0.2) when given.
    init(port: Int, source: String? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                close(fd)
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return }
            offset += n
        }
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    /// Half-closes the sending side.
    func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// One request with the usual headers.
    func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = [], close: Bool = false
    ) -> Outcome {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        if close { head += "Connection: close\r\n" }
        send(Array((head + "\r\n").utf8) + body)
        return readResponse()
    }

    /// Reads bytes until a complete response, EOF, RST, or `seconds` of silence.
    func readResponse(waiting seconds: Double = 10) -> Outcome {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let response = parse() { return .response(response) }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return .silent }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, Int32(min(remaining, 1) * 1000) + 1)
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
            } else if n == 0 {
                if let response = parse() { return .response(response) }
                let bytes = buffer
                buffer.removeAll()
                return .closed(bytes: bytes)
            } else if errno == ECONNRESET {
                return .reset
            } else if errno != EINTR {
                return .closed(bytes: buffer)
            }
        }
    }

    /// Whether the server closed the connection (EOF or RST) within `seconds`.
    func isClosedByServer(waiting seconds: Double = 10) -> Bool {
        switch readResponse(waiting: seconds) {
        case .closed, .reset: true
        default: false
        }
    }

    private func parse() -> Response? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = buffer.firstRange(of: separator)?.lowerBound else { return nil }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."), let status = Int(statusLine[1]) else {
            return nil
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard buffer.count >= end + 4 + length else { return nil }
        let body = Array(buffer[(end + 4)..<(end + 4 + length)])
        buffer.removeFirst(end + 4 + length)
        if status == 100 { return parse() }
        return Response(status: status, headers: headers, body: body)
    }
}
