/// Reads one HTTP/1.1 answer from a connection: interim 1xx answers skipped, the body framed
/// by `Content-Length`, by chunks, or by the end of the stream; bounded in size.
struct HTTPResponseReader {
    /// The largest status line and header block accepted.
    static let maximumHeadBytes = 64 << 10

    /// The answer and whether the connection may carry another request.
    struct Outcome {
        var response: HTTPResponse
        var keepAlive: Bool
    }

    let connection: any HTTPByteSource
    /// Largest body accepted.
    let limit: Int

    private var origin: String { "\(connection.origin.host) port \(connection.origin.port)" }

    /// Reads the final answer to a request made with `method`.
    func read(method: String) throws(TransportError) -> Outcome {
        while true {
            let head = try readHead()
            if (100...199).contains(head.status) { continue }
            let keepAlive = head.keepAlive
            if method == "HEAD" || head.status == 204 || head.status == 304 {
                return Outcome(response: head.response(body: []), keepAlive: keepAlive)
            }
            if let encoding = head.headers["Transfer-Encoding"], encoding.lowercased().contains("chunked") {
                return Outcome(response: head.response(body: try readChunked()), keepAlive: keepAlive)
            }
            if let lengthText = head.headers["Content-Length"] {
                guard let length = Int(lengthText.trimmingWhitespace), length >= 0 else {
                    throw TransportError(
                        kind: .other, detail: "answer from \(origin): bad Content-Length \(lengthText)")
                }
                guard length <= limit else { throw tooLarge }
                return Outcome(response: head.response(body: try readExactly(length)), keepAlive: keepAlive)
            }
            // Neither: the body ends with the connection.
            return Outcome(response: head.response(body: try readToEnd()), keepAlive: false)
        }
    }

    private var tooLarge: TransportError {
        TransportError(kind: .responseTooLarge, detail: "answer larger than \(limit) bytes")
    }

    // MARK: - Head

    struct Head {
        var version: String
        var status: Int
        var headers: HTTPHeaders

        func response(body: [UInt8]) -> HTTPResponse { HTTPResponse(status: status, headers: headers, body: body) }

        var keepAlive: Bool {
            let tokens = (headers["Connection"] ?? "").lowercased().split(separator: ",").map {
                $0.trimmingWhitespace
            }
            if version == "HTTP/1.0" { return tokens.contains("keep-alive") }
            return !tokens.contains("close")
        }
    }

    private func readHead() throws(TransportError) -> Head {
        var lines: [String] = []
        while true {
            guard let line = try readLine(limit: Self.maximumHeadBytes) else {
                throw TransportError(
                    kind: .connectionReset,
                    detail: lines.isEmpty && !connection.receivedAny
                        ? "empty reply from \(origin)" : "connection to \(origin) closed within the answer's header")
            }
            if line.isEmpty {
                if lines.isEmpty { continue }  // stray empty line before a status line
                break
            }
            lines.append(line)
            if lines.count > 500 {
                throw TransportError(kind: .other, detail: "answer from \(origin): more than 500 header lines")
            }
        }
        let statusParts = lines[0].split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), statusParts[1].count == 3,
            let status = Int(statusParts[1])
        else {
            throw TransportError(kind: .other, detail: "answer from \(origin) is not HTTP/1.x: \(lines[0].prefix(60))")
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingWhitespace
            if !name.isEmpty { headers.add(name: name, value: line[line.index(after: colon)...].trimmingWhitespace) }
        }
        return Head(version: String(statusParts[0]), status: status, headers: headers)
    }

    /// One line without its CRLF (or bare LF); nil at the end of the stream before any byte.
    private func readLine(limit: Int) throws(TransportError) -> String? {
        var scanned = 0
        while true {
            let bytes = connection.unconsumed
            if let newline = bytes.dropFirst(scanned).firstIndex(of: 0x0A) {
                var end = newline
                if end > bytes.startIndex, bytes[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
                connection.consume(newline - bytes.startIndex + 1)
                return line
            }
            scanned = bytes.count
            guard scanned <= limit else {
                throw TransportError(kind: .other, detail: "answer from \(origin): header line over \(limit) bytes")
            }
            guard try connection.readMore() else {
                if scanned == 0 { return nil }
                throw TransportError(kind: .connectionReset, detail: "connection to \(origin) closed within a line")
            }
        }
    }

    // MARK: - Body

    private func readExactly(_ length: Int) throws(TransportError) -> [UInt8] {
        while connection.unconsumed.count < length {
            guard try connection.readMore() else {
                throw TransportError(
                    kind: .connectionReset,
                    detail:
                        "connection to \(origin) closed with \(length - connection.unconsumed.count) of \(length) bytes of the answer missing"
                )
            }
        }
        let bytes = connection.unconsumed
        let body = Array(bytes[bytes.startIndex..<(bytes.startIndex + length)])
        connection.consume(length)
        return body
    }

    private func readChunked() throws(TransportError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            guard let sizeLine = try readLine(limit: 4096) else { throw closedInChunks }
            let sizeText = sizeLine.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
            guard let size = Int(sizeText.trimmingWhitespace, radix: 16), size >= 0 else {
                throw TransportError(
                    kind: .other, detail: "answer from \(origin): bad chunk size \(sizeLine.prefix(40))")
            }
            if size == 0 {
                // Trailer fields, up to the empty line: read and ignored.
                while true {
                    guard let trailer = try readLine(limit: 4096) else { throw closedInChunks }
                    if trailer.isEmpty { return body }
                }
            }
            guard body.count + size <= limit else { throw tooLarge }
            body += try readExactlyInChunk(size)
            guard try readLine(limit: 2) == "" else {
                throw TransportError(kind: .other, detail: "answer from \(origin): a chunk is longer than its size")
            }
        }
    }

    private func readExactlyInChunk(_ size: Int) throws(TransportError) -> [UInt8] {
        do {
            return try readExactly(size)
        } catch  where error.kind == .connectionReset {
            throw closedInChunks
        }
    }

    private var closedInChunks: TransportError {
        TransportError(kind: .connectionReset, detail: "connection to \(origin) closed before the answer's last chunk")
    }

    private func readToEnd() throws(TransportError) -> [UInt8] {
        while try connection.readMore() {
            guard connection.unconsumed.count <= limit else { throw tooLarge }
        }
        let body = Array(connection.unconsumed)
        connection.consume(body.count)
        return body
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingWhitespace: String {
        var part = Substring(self)
        while let first = part.first, first == " " || first == "\t" { part.removeFirst() }
        while let last = part.last, last == " " || last == "\t" { part.removeLast() }
        return String(part)
    }
}
