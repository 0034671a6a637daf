import Foundation
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
enum BatchIntake {
    /// Most events in one batch.
    static let maxEvents = 500

    /// The events' verdicts in body order, or the reason for a 400.
    static func read(body: [UInt8], signer: String) -> Result<[EventVerdict], CentralError> {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return .failure(CentralError("body is not a JSON object"))
        }
        guard let kiosk = root["kiosk"] as? String else { return .failure(CentralError("kiosk is missing")) }
        guard kiosk == signer else {
            return .failure(CentralError("kiosk \(kiosk) in the body is not the signer \(signer)"))
        }
        guard root["sentAt"] is String else { return .failure(CentralError("sentAt is missing")) }
        guard let events = root["events"] as? [Any] else { return .failure(CentralError("events is missing or not an array")) }
        guard (1...maxEvents).contains(events.count) else {
            return .failure(CentralError("a batch holds 1 to \(maxEvents) events, this one \(events.count)"))
        }

        let spans = JSONSpans(bytes: body)
        let rootStart = spans.skipSpace(0)
        var elementRanges: [Range<Int>] = []
        if let eventsRange = spans.member("events", ofObjectAt: rootStart) {
            elementRanges = spans.elements(ofArrayAt: eventsRange.lowerBound)
        }
        let haveSpans = elementRanges.count == events.count

        var verdicts: [EventVerdict] = []
        verdicts.reserveCapacity(events.count)
        for (index, element) in events.enumerated() {
            guard let object = element as? [String: Any] else {
                return .failure(CentralError("event \(index + 1) is not an object"))
            }
            guard let id = object["id"] as? String, !id.isEmpty, id.utf8.count <= 128 else {
                return .failure(CentralError("event \(index + 1) has no id"))
            }
            let members = haveSpans ? spans.members(ofObjectAt: elementRanges[index].lowerBound) : []
            func raw(_ name: String) -> ArraySlice<UInt8>? {
                members.last { $0.key.elementsEqual(name.utf8) }.map { body[$0.value] }
            }
            verdicts.append(judge(object: object, id: id, rawSeq: raw("seq"), rawData: raw("data")))
        }
        return .success(verdicts)
    }

    private static func judge(object: [String: Any], id: String, rawSeq: ArraySlice<UInt8>?, rawData: ArraySlice<UInt8>?) -> EventVerdict {
        // seq from its literal text: JSONSerialization would let 1.5 or true pass as numbers.
        let seqText = rawSeq.map { String(decoding: $0, as: UTF8.self) } ?? (object["seq"] as? NSNumber)?.stringValue ?? ""
        guard let seq = Int64(seqText), seq >= 1, seqText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return .rejected(id: id, reason: "seq must be a positive integer")
        }
        guard let type = object["type"] as? String else { return .rejected(id: id, reason: "type is missing") }
        guard let occurredAt = object["occurredAt"] as? String, !occurredAt.isEmpty else {
            return .rejected(id: id, reason: "occurredAt is missing")
        }
        guard let dataObject = object["data"] as? [String: Any] else {
            return .rejected(id: id, reason: "data is missing or not a JSON object")
        }
        guard let eventType = EventType(rawValue: type) else {
            return .rejected(id: id, reason: "unknown event type \(type)")
        }
        if let reason = EventPayloadRules.problem(type: eventType, data: dataObject) {
            return .rejected(id: id, reason: "\(type): \(reason)")
        }
        let data: [UInt8]
        if let rawData {
            data = Array(rawData)
        } else if let reencoded = try? JSONSerialization.data(withJSONObject: dataObject) {
            data = Array(reencoded)
        } else {
            return .rejected(id: id, reason: "data cannot be read")
        }
        return .acceptable(IncomingEvent(id: id, seq: seq, type: type, occurredAt: occurredAt, data: data))
    }
}
