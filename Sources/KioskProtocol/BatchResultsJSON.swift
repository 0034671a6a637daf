/// The `POST /v1/events` answer written and read byte by byte: the receiver answers up to
/// 500 results per batch and the kiosk reads them after every batch, so neither goes
/// through `JSONEncoder`/`JSONDecoder` (which cost more than the rest of the exchange).
extension BatchResults {
    /// `{"results":[{"id":…,"reason":…,"status":…},…]}`: keys in sorted order, no
    /// whitespace, `reason` only when there is one.
    public func encodedJSON() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 + results.count * 72)
        out.append(contentsOf: #"{"results":["#.utf8)
        for (index, result) in results.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"id":"#.utf8)
            JSONText.appendQuoted(result.id, to: &out)
            if let reason = result.reason {
                out.append(contentsOf: #","reason":"#.utf8)
                JSONText.appendQuoted(reason, to: &out)
            }
            out.append(contentsOf: #","status":"#.utf8)
            JSONText.appendQuoted(result.status, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }

    /// Reads an answer as `JSONDecoder` would: `results` must be an array of objects, each
    /// with string `id` and `status` and an optional string (or null) `reason`; unknown
    /// fields are ignored. Nil when the text is not such an answer.
    public init?(json bytes: [UInt8]) {
        guard let document = try? JSONDocument(parsing: bytes), let list = document.root["results"],
            list.kind == .array
        else { return nil }
        var results: [EventResult] = []
        results.reserveCapacity(list.count)
        for element in list.elements {
            guard let id = element["id"]?.string, let status = element["status"]?.string else { return nil }
            var reason: String?
            if let value = element["reason"], !value.isNull {
                guard let text = value.string else { return nil }
                reason = text
            }
            results.append(EventResult(id: id, status: status, reason: reason))
        }
        self.init(results: results)
    }
}
