/// One event as it goes on the wire; `data` is the raw JSON object bytes from the outbox.
public struct WireEvent: Sendable, Equatable {
    /// UUID made when the event was written; never changes across retries.
    public var id: String
    /// 1, 2, 3, … per kiosk.
    public var seq: Int64
    /// An ``EventType`` raw value (others are sent as they are and rejected by the server).
    public var type: String
    /// RFC 3339 with offset.
    public var occurredAt: String
    /// The `data` JSON value, UTF-8, embedded verbatim.
    public var data: [UInt8]

    /// Creates an event.
    public init(id: String, seq: Int64, type: String, occurredAt: String, data: [UInt8]) {
        self.id = id
        self.seq = seq
        self.type = type
        self.occurredAt = occurredAt
        self.data = data
    }
}

/// The `POST /v1/events` body, written by ``JSONWriter`` so each event's `data` goes out
/// exactly as stored (no decode/encode round trip, which would reorder keys and cost time on
/// large drains).
///
/// Layout, no whitespace: `{"kiosk":…,"sentAt":…,"events":[E1,E2,…]}` with each event
/// `{"id":…,"seq":…,"type":…,"occurredAt":…,"data":<data>}`.
/// The body size is `envelopeSize(kiosk:sentAt:)` plus `encodedSize(of:)` of each event,
/// minus 1 when there is at least one event (the last one has no comma).
public enum EventBatchBody {
    /// {"kiosk":…,"sentAt":…,"events":[…]} with each data embedded verbatim.
    ///
    /// `data` must hold one JSON value (the outbox stores JSON objects); an empty `data`
    /// is written as `null` so the body stays valid JSON.
    public static func encode(kiosk: String, sentAt: String, events: [WireEvent]) -> [UInt8] {
        var capacity = kiosk.utf8.count + sentAt.utf8.count + 64
        for event in events { capacity += event.data.count + event.id.utf8.count + event.type.utf8.count + 96 }
        var writer = JSONWriter(reservingCapacity: capacity)
        writer.object { writer in
            writer.member("kiosk", kiosk)
            writer.member("sentAt", sentAt)
            writer.key("events")
            writer.array { writer in
                for event in events { write(event, to: &writer) }
            }
        }
        return writer.bytes
    }

    /// Bytes one event adds to a body: its JSON object plus one separating comma.
    public static func encodedSize(of event: WireEvent) -> Int {
        var writer = JSONWriter()
        write(
            WireEvent(id: event.id, seq: event.seq, type: event.type, occurredAt: event.occurredAt, data: []),
            to: &writer)
        // The empty data was written as `null` (4 bytes).
        return writer.bytes.count - 4 + (event.data.isEmpty ? 4 : event.data.count) + 1
    }

    /// Bytes of the body around the events: `{"kiosk":…,"sentAt":…,"events":[` and `]}`.
    public static func envelopeSize(kiosk: String, sentAt: String) -> Int {
        encode(kiosk: kiosk, sentAt: sentAt, events: []).count
    }

    private static func write(_ event: WireEvent, to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("id", event.id)
            writer.member("seq", event.seq)
            writer.member("type", event.type)
            writer.member("occurredAt", event.occurredAt)
            writer.key("data")
            writer.rawValue(event.data)
        }
    }
}
