import KioskSystem

/// Limits and timeouts that keep one connection from holding a thread or memory forever.
public struct HTTPLimits: Sendable {
    /// Request line plus header fields, bytes (431 beyond).
    public var maxHeaderBytes = 8 * 1024
    /// Number of header fields (431 beyond).
    public var maxHeaderCount = 100
    /// Body bytes (413 beyond).
    public var maxBodyBytes = (4 << 20) + 64 * 1024
    /// How long an idle keep-alive connection waits for the next request, seconds.
    public var idleTimeout: Double = 15
    /// How long one request may take to arrive completely once its first byte came, seconds
    /// (plus 0.1 s per 64 KiB of declared body).
    public var requestTimeout: Double = 30
    /// How long the request line and header fields may take once their first byte came,
    /// seconds: a client that trickles its head (slowloris) loses the connection after this.
    public var headerTimeout: Double = 10

    /// The defaults: 8 KiB of headers, 4 MiB + 64 KiB of body, 15 s idle, 10 s for the head,
    /// 30 s per request.
    public init() {}
}

/// What reading the next request from a connection produced.
enum ReadOutcome {
    /// A complete request.
    case request(HTTPRequest)
    /// The peer closed (or the idle timeout passed) between requests: close quietly.
    case finished
    /// The request was cut off or too slow: close without an answer.
    case abandoned
    /// The bytes are not an acceptable request: answer `status` and close.
    case refused(status: Int, reason: String)
}

/// Reads HTTP/1.1 requests from one connection: request line and header fields up to
/// `maxHeaderBytes`, then exactly Content-Length bytes of body. Chunked bodies are refused
/// with 411 (the protocol's kiosks always send Content-Length).
struct HTTPRequestReader {
    let socket: Socket
    let limits: HTTPLimits
    /// Bytes received but not yet consumed (pipelined requests stay here).
    private var buffer: [UInt8] = []

    init(socket: Socket, limits: HTTPLimits) {
        self.socket = socket
        self.limits = limits
        buffer.reserveCapacity(16 * 1024)
    }

    private static let crlfcrlf: [UInt8] = [13, 10, 13, 10]

    /// Reads the next request. `answersContinue` is called for `Expect: 100-continue` once the
    /// head is accepted, so the client sends its body.
    mutating func next(fromLoopback: Bool) -> ReadOutcome {
        let idleDeadline = monotonicNanoseconds() + UInt64(limits.idleTimeout * 1e9)
        var requestDeadline: UInt64? = nil
        var headDeadline: UInt64? = nil
        var searchFrom = 0
        var headEnd: Int? = nil
        // Read until the blank line that ends the head.
        while headEnd == nil {
            // Empty lines before a request line are allowed (RFC 9112 §2.2).
            while buffer.count >= 2, buffer[0] == 13, buffer[1] == 10 { buffer.removeFirst(2) }
            if !buffer.isEmpty && requestDeadline == nil {
                let start = monotonicNanoseconds()
                let whole = start + UInt64(limits.requestTimeout * 1e9)
                requestDeadline = whole
                headDeadline = min(whole, start + UInt64(limits.headerTimeout * 1e9))
            }
            if let found = buffer.firstRange(of: Self.crlfcrlf, from: searchFrom) {
                headEnd = found
                break
            }
            searchFrom = max(0, buffer.count - 3)
            if buffer.count > limits.maxHeaderBytes {
                return .refused(status: 431, reason: "request head longer than \(limits.maxHeaderBytes) bytes")
            }
            switch socket.read(into: &buffer, maxBytes: 16 * 1024, deadline: headDeadline ?? idleDeadline) {
            case .bytes: continue
            case .endOfStream, .failed: return buffer.isEmpty ? .finished : .abandoned
            case .timedOut: return buffer.isEmpty ? .finished : .abandoned
            }
        }
        guard let headEnd, headEnd <= limits.maxHeaderBytes else {
            return .refused(status: 431, reason: "request head longer than \(limits.maxHeaderBytes) bytes")
        }
        let head = Array(buffer[0..<headEnd])
        buffer.removeFirst(headEnd + 4)
        var request: HTTPRequest
        switch Self.parseHead(head, limits: limits) {
        case .failure(let refusal): return .refused(status: refusal.status, reason: refusal.reason)
        case .success(let parsed): request = parsed
        }
        request.fromLoopback = fromLoopback

        // Body: Content-Length only.
        if request.headers.contains(where: { $0.name == "transfer-encoding" }) {
            return .refused(status: 411, reason: "Transfer-Encoding is not supported; send Content-Length")
        }
        let lengths = request.headers.filter { $0.name == "content-length" }.map(\.value)
        var length = 0
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), !first.isEmpty, first.utf8.count <= 18,
                first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(first)
            else {
                return .refused(status: 400, reason: "invalid Content-Length")
            }
            length = value
        } else if request.method == "POST" || request.method == "PUT" || request.method == "PATCH" {
            return .refused(status: 411, reason: "\(request.method) needs a Content-Length")
        }
        if length > limits.maxBodyBytes {
            return .refused(status: 413, reason: "body of \(length) bytes is larger than \(limits.maxBodyBytes)")
        }
        if length > 0, request.header("expect")?.lowercased() == "100-continue", buffer.isEmpty {
            guard socket.writeAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return .abandoned }
        }
        let bodyDeadline = (requestDeadline ?? idleDeadline) + UInt64(Double(length) / 65_536 * 1e8)
        while buffer.count < length {
            switch socket.read(
                into: &buffer, maxBytes: min(64 * 1024, max(length - buffer.count, 4096)), deadline: bodyDeadline)
            {
            case .bytes: continue
            case .endOfStream, .failed, .timedOut: return .abandoned
            }
        }
        if buffer.count == length {
            // The usual case (no pipelined request behind it): hand the buffer over as the
            // body instead of copying up to 4 MiB.
            request.body = buffer
            buffer = []
            buffer.reserveCapacity(16 * 1024)
        } else {
            request.body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        }
        return .request(request)
    }

    /// Why a head was refused.
    struct Refusal: Error {
        var status: Int
        var reason: String
    }

    /// Parses request line and header fields (CRLF-separated, no trailing blank line).
    static func parseHead(_ head: [UInt8], limits: HTTPLimits) -> Result<HTTPRequest, Refusal> {
        var lines = head.split(separator: 10, omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            line.last == 13 ? line.dropLast() : line
        }
        guard !lines.isEmpty else { return .failure(Refusal(status: 400, reason: "empty request")) }
        let requestLine = lines.removeFirst()
        let parts = requestLine.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(Refusal(status: 400, reason: "malformed request line")) }
        let method = parts[0]
        let target = parts[1]
        let version = parts[2]
        guard !method.isEmpty, method.count <= 16, method.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
            return .failure(Refusal(status: 400, reason: "malformed method"))
        }
        guard target.first == UInt8(ascii: "/"), target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(Refusal(status: 400, reason: "malformed request target"))
        }
        let isHTTP11 = version.elementsEqual("HTTP/1.1".utf8)
        guard isHTTP11 || version.elementsEqual("HTTP/1.0".utf8) else {
            return .failure(Refusal(status: 400, reason: "not HTTP/1.0 or HTTP/1.1"))
        }
        guard lines.count <= limits.maxHeaderCount else {
            return .failure(Refusal(status: 431, reason: "more than \(limits.maxHeaderCount) header fields"))
        }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(lines.count)
        for line in lines {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(Refusal(status: 400, reason: "header line without a colon"))
            }
            let name = line[line.startIndex..<colon]
            // Tokens only: no spaces before the colon, no obsolete line folding.
            guard !name.isEmpty, name.allSatisfy(isTokenByte) else {
                return .failure(Refusal(status: 400, reason: "malformed header name"))
            }
            var value = line[(colon + 1)...]
            while let first = value.first, first == 32 || first == 9 { value.removeFirst() }
            while let last = value.last, last == 32 || last == 9 { value.removeLast() }
            guard value.allSatisfy({ $0 >= 0x20 || $0 == 9 }), !value.contains(0x7F) else {
                return .failure(Refusal(status: 400, reason: "control character in a header value"))
            }
            headers.append((String(decoding: name, as: UTF8.self).lowercased(), String(decoding: value, as: UTF8.self)))
        }
        let connection = headers.first { $0.name == "connection" }?.value.lowercased() ?? ""
        let keepAlive = isHTTP11 ? !connection.contains("close") : connection.contains("keep-alive")
        return .success(
            HTTPRequest(
                method: String(decoding: method, as: UTF8.self), target: String(decoding: target, as: UTF8.self),
                headers: headers, body: [], keepAlive: keepAlive))
    }

    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}

extension Array where Element == UInt8 {
    /// Start of the first occurrence of `pattern` at or after `from`.
    func firstRange(of pattern: [UInt8], from: Int) -> Int? {
        guard count >= pattern.count, from <= count - pattern.count else { return nil }
        return withUnsafeBufferPointer { buffer -> Int? in
            var i = from
            let last = count - pattern.count
            while i <= last {
                if buffer[i] == pattern[0] {
                    var j = 1
                    while j < pattern.count && buffer[i + j] == pattern[j] { j += 1 }
                    if j == pattern.count { return i }
                }
                i += 1
            }
            return nil
        }
    }
}
