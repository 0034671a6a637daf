import KioskProtocol

/// One parsed HTTP/1.x request.
struct HTTPRequest: Sendable {
    /// `GET`, `POST`, … as sent.
    var method: String
    /// The request target exactly as sent, e.g. `/v1/kiosks/K1/updates?after=3` (what is signed).
    var target: String
    /// Header fields, names lowercased, in order.
    var headers: [(name: String, value: String)]
    /// The body (Content-Length bytes).
    var body: [UInt8]
    /// Whether the connection stays open after the answer.
    var keepAlive: Bool
    /// Whether the peer is on a loopback address (admin endpoint).
    var fromLoopback: Bool = false

    /// The target before `?`.
    var path: Substring {
        target.firstIndex(of: "?").map { target[..<$0] } ?? target[...]
    }

    /// The target after `?`, empty when none.
    var query: Substring {
        target.firstIndex(of: "?").map { target[target.index(after: $0)...] } ?? ""
    }

    /// The first header with this (lowercase) name.
    func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// The value of a query parameter (percent-decoded), nil when absent.
    func queryParameter(_ name: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts[0] == name { return parts.count > 1 ? String(parts[1]).removingPercentEncodingLeniently : "" }
        }
        return nil
    }
}

/// One HTTP answer.
struct HTTPResponse: Sendable {
    /// Status code.
    var status: Int
    /// Extra header fields (Date, Content-Length and Connection are added when written).
    var headers: [(name: String, value: String)] = []
    /// Body bytes.
    var body: [UInt8] = []
    /// Forces `Connection: close` after this answer.
    var closeConnection = false

    /// A JSON answer.
    static func json(_ status: Int, _ text: String, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
    }

    /// `{"error":"…"}` with the text escaped.
    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        var writer = JSONWriter()
        writer.object { writer in
            writer.member("error", message)
        }
        return HTTPResponse(
            status: status, headers: [("Content-Type", "application/json")], body: writer.bytes)
    }

    /// The bytes on the wire: status line, headers (with `Date`, `Content-Length`,
    /// `Connection`), blank line, body.
    func serialized(date: String, keepAlive: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\nDate: \(date)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
        var bytes = Array(head.utf8)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// The reason phrase for common codes.
    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }
}

extension String {
    /// `%XX` decoded; invalid escapes are kept as they are, bytes that are not UTF-8 replaced.
    var removingPercentEncodingLeniently: String {
        guard contains("%") else { return self }
        var bytes: [UInt8] = []
        let utf8 = Array(self.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "%"), i + 2 < utf8.count,
                let high = Self.hexValue(utf8[i + 1]), let low = Self.hexValue(utf8[i + 2])
            {
                bytes.append(high << 4 | low)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}
