/// The parts of an `http://` or `https://` URL the transport needs: where to connect, what
/// name to verify, and what to put in the request line.
struct CentralURL: Sendable, Equatable {
    /// Where a connection goes; a kept-alive connection is reused only for the same origin.
    struct Origin: Sendable, Hashable {
        /// Whether the connection is TLS (`https`).
        var secure: Bool
        /// Host name or IP address, without IPv6 brackets.
        var host: String
        /// TCP port (80 or 443 unless the URL names one).
        var port: Int
    }

    /// Scheme, host and port.
    var origin: Origin
    /// Path and query, at least `/`.
    var target: String

    /// The `Host:` field: the port only when it is not the scheme's default.
    var hostField: String {
        let name = origin.host.contains(":") ? "[\(origin.host)]" : origin.host
        let defaultPort = origin.secure ? 443 : 80
        return origin.port == defaultPort ? name : "\(name):\(origin.port)"
    }

    /// Parses `url`; throws a `.configuration` error naming what is wrong.
    init(_ url: String) throws(TransportError) {
        func problem(_ what: String) -> TransportError {
            TransportError(kind: .configuration, detail: "URL \(url): \(what)")
        }
        guard let separator = url.firstRange(of: "://") else { throw problem("no scheme (http:// or https://)") }
        let scheme = url[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw problem("unsupported protocol \(scheme) (only http and https)")
        }
        let rest = url[separator.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if let fragment = target.firstIndex(of: "#") { target = String(target[..<fragment]) }
        if target.isEmpty || target.first == "?" { target = "/" + target }
        guard !authority.contains("@") else { throw problem("user names and passwords do not belong in the URL") }

        var host: Substring
        var portText: Substring?
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { throw problem("unclosed [ in the host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw problem("unexpected text after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw problem("no host") }
        guard host.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "%" }) else {
            throw problem("the host must be ASCII (IDNA names in their xn-- form)")
        }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw problem("port \(portText) is not a number from 1 to 65535")
            }
            port = value
        }
        guard !target.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else {
            throw problem("spaces and line breaks must be percent-encoded")
        }
        self.origin = Origin(secure: scheme == "https", host: String(host), port: port)
        self.target = target
    }
}
