/// The `POST /v1/events` answer written and read without `Codable`'s per-value cost: the
/// receiver answers up to 500 results per batch and the kiosk reads them after every batch,
/// so the receiver writes them with ``JSONWriter`` directly and the kiosk reads them from
/// ``JSONDocument`` directly.
extension BatchResults {
    /// `{"results":[{"id":…,"reason":…,"status":…},…]}`: keys in sorted order, no
    /// whitespace, `reason` only when there is one.
    public func encodedJSON() -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 16 + results.count * 72)
        writer.object { writer in
            writer.key("results")
            writer.array { writer in
                for result in results {
                    writer.object { writer in
                        writer.member("id", result.id)
                        if let reason = result.reason {
                            writer.member("reason", reason)
                        }
                        writer.member("status", result.status)
                    }
                }
            }
        }
        return writer.bytes
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
