/// Validation of `[Central] URL=`: `https://` anywhere, plain `http://` only to loopback
/// (127.0.0.0/8, `localhost`, `[::1]`), as central-protocol.md "Transport" requires.
enum CentralURL {
    static func parse(_ text: String) -> Result<String, ValueProblem> {
        let lower = text.lowercased()
        let isPlain: Bool
        let rest: Substring
        if lower.hasPrefix("https://") {
            isPlain = false
            rest = text.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            isPlain = true
            rest = text.dropFirst(7)
        } else {
            return .failure(
                ValueProblem(
                    "not a URL the kiosk can send to; write https://host/path (http:// only to "
                        + "127.0.0.1, localhost or [::1]), or leave it empty to send nothing"))
        }
        if text.contains(where: { $0 == " " || $0 == "\t" }) {
            return .failure(ValueProblem("contains a space; write the URL without spaces"))
        }
        if text.contains("?") || text.contains("#") {
            return .failure(
                ValueProblem(
                    "has a query or fragment; give the server's base URL, e.g. https://central.example.vn/kiosk"))
        }
        let authority = rest.prefix { $0 != "/" }
        if authority.contains("@") {
            return .failure(ValueProblem("has user:password@ in it; remove it: requests are signed with KeyFile="))
        }
        guard let (host, port) = split(authority), !host.isEmpty else {
            return .failure(ValueProblem("has no valid host; write e.g. https://central.example.vn"))
        }
        if let port, !isPortNumber(port) {
            return .failure(ValueProblem("port \"\(port)\" is not a number in 1…65535"))
        }
        guard isHostName(host) else {
            return .failure(ValueProblem("host \"\(host)\" is not a host name or IP address"))
        }
        if isPlain && !isLoopback(host) {
            return .failure(
                ValueProblem(
                    "plain http:// is allowed only to loopback (127.0.0.0/8, localhost, [::1]); "
                        + "use https:// for \(host)"))
        }
        return .success(text)
    }

    /// Splits `host[:port]` or `[v6]:port`; nil when brackets do not match.
    private static func split(_ authority: Substring) -> (String, Substring?)? {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            let host = String(authority[...close])
            let after = authority[authority.index(after: close)...]
            if after.isEmpty { return (host, nil) }
            guard after.hasPrefix(":") else { return nil }
            return (host, after.dropFirst())
        }
        if let colon = authority.firstIndex(of: ":") {
            return (String(authority[..<colon]), authority[authority.index(after: colon)...])
        }
        return (String(authority), nil)
    }

    private static func isPortNumber(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let port = Int(text)
        else { return false }
        return (1...65535).contains(port)
    }

    private static func isHostName(_ host: String) -> Bool {
        if host.hasPrefix("[") {
            return host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
        }
        return host.utf8.allSatisfy {
            ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E
        }
    }

    /// `localhost`, `[::1]`, or a dotted IPv4 address in 127.0.0.0/8.
    static func isLoopback(_ host: String) -> Bool {
        let lower = host.lowercased()
        if lower == "localhost" || lower == "[::1]" { return true }
        let octets = lower.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4,
            octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            octets.allSatisfy({ Int($0)! <= 255 })
        else { return false }
        return octets[0] == "127"
    }
}
