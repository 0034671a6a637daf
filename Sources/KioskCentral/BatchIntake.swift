import KioskProtocol

/// One event of a batch, read from the body.
struct IncomingEvent {
    var id: String
    var seq: Int64
    var type: String
    var occurredAt: String
    /// The `data` value exactly as it was in the body.
    var data: [UInt8]
}

/// What the receiver makes of one event before storage.
enum EventVerdict {
    /// Well formed; store it (or answer duplicate).
    case acceptable(IncomingEvent)
    /// The server will never accept it as it stands.
    case rejected(id: String, reason: String)
}

/// Reads a `POST /v1/events` body: the envelope must be right (else the whole request is 400),
/// each event is then judged on its own.
///
/// One pass of ``JSONDocument`` over the body, then lookups on its tape: no per-value
/// objects, and each event's `data` is kept as the exact bytes of the body.
enum BatchIntake {
    /// Most events in one batch.
    static let maxEvents = 500

    /// The events' verdicts in body order, or the reason for a 400.
    static func read(body: [UInt8], signer: String) -> Result<[EventVerdict], CentralError> {
        let root: JSONElement
        do {
            root = try JSONDocument(parsing: body).root
        } catch {
            return .failure(CentralError("body is not a JSON object: \(error)"))
        }
        guard root.kind == .object else { return .failure(CentralError("body is not a JSON object")) }
        guard let kiosk = root["kiosk"]?.string else { return .failure(CentralError("kiosk is missing")) }
        guard kiosk == signer else {
            return .failure(CentralError("kiosk \(kiosk) in the body is not the signer \(signer)"))
        }
        guard root["sentAt"]?.kind == .string else { return .failure(CentralError("sentAt is missing")) }
        guard let events = root["events"], events.kind == .array else {
            return .failure(CentralError("events is missing or not an array"))
        }
        guard (1...maxEvents).contains(events.count) else {
            return .failure(CentralError("a batch holds 1 to \(maxEvents) events, this one \(events.count)"))
        }

        var verdicts: [EventVerdict] = []
        verdicts.reserveCapacity(events.count)
        for (index, event) in events.elements.enumerated() {
            guard event.kind == .object else {
                return .failure(CentralError("event \(index + 1) is not an object"))
            }
            guard let id = event["id"]?.string, !id.isEmpty, id.utf8.count <= 128 else {
                return .failure(CentralError("event \(index + 1) has no id"))
            }
            verdicts.append(judge(event, id: id))
        }
        return .success(verdicts)
    }

    private static func judge(_ event: JSONElement, id: String) -> EventVerdict {
        // seq from its literal text: a positive integer written with digits only (no sign,
        // fraction or exponent).
        guard let seqValue = event["seq"], seqValue.kind == .number,
            seqValue.rawBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let seq = seqValue.int64, seq >= 1
        else {
            return .rejected(id: id, reason: "seq must be a positive integer")
        }
        guard let type = event["type"]?.string else { return .rejected(id: id, reason: "type is missing") }
        guard let occurredAt = event["occurredAt"]?.string, !occurredAt.isEmpty else {
            return .rejected(id: id, reason: "occurredAt is missing")
        }
        guard let data = event["data"], data.kind == .object else {
            return .rejected(id: id, reason: "data is missing or not a JSON object")
        }
        guard let eventType = EventType(rawValue: type) else {
            return .rejected(id: id, reason: "unknown event type \(type)")
        }
        if let reason = EventPayloadRules.problem(type: eventType, data: data) {
            return .rejected(id: id, reason: "\(type): \(reason)")
        }
        return .acceptable(
            IncomingEvent(id: id, seq: seq, type: type, occurredAt: occurredAt, data: Array(data.rawBytes)))
    }
}
