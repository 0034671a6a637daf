import Foundation
import KioskProtocol
import Testing

@Suite struct EventBatchBodyTests {
    static let received = DossierReceivedData(
        code: "YBVY01-261121-0007-K",
        procedure: .init(code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp"),
        applicant: .init(
            idNumber: "001094012345", name: "Nguyễn Bá \"Hoàng\"", birthDate: "1995-03-14", gender: "Nam",
            address: "Thôn 3\\4, xã Mậu A\n\thuyện Văn Yên"),
        receivedAt: "2026-11-21T09:15:02+07:00", dueDate: "2026-11-28", fee: .init(amount: 200_000, currency: "VND"),
        delivery: .init(method: "post", address: "Thôn 3, xã Mậu A"), postalItem: "EA123456785VN",
        office: "Bưu điện huyện Văn Yên")

    private func events() throws -> [WireEvent] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let health = KioskHealthData(
            printer: "ok", scanner: "missing", backlog: 12, oldestPendingAt: nil, deadLetters: 0, version: "1.2.0")
        return [
            WireEvent(
                id: "6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c11", seq: 42, type: EventType.dossierReceived.rawValue,
                occurredAt: "2026-11-21T09:15:02+07:00", data: Array(try encoder.encode(Self.received))),
            WireEvent(
                id: "7a1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c12", seq: 43, type: EventType.kioskHealth.rawValue,
                occurredAt: "2026-11-21T09:16:00+07:00", data: Array(try encoder.encode(health))),
            WireEvent(
                id: "8b1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c13", seq: 44, type: "x.\"odd\"\u{01}", occurredAt: "t",
                data: Array(#"  {"nested":[1,2,{"a":null}],"s":"\u00e9"}  "#.utf8)),
        ]
    }

    @Test func parsesBackWithIdenticalDataObjects() throws {
        let events = try events()
        let body = EventBatchBody.encode(kiosk: "YB-VANYEN-01", sentAt: "2026-11-21T09:15:03+07:00", events: events)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(root["kiosk"] as? String == "YB-VANYEN-01")
        #expect(root["sentAt"] as? String == "2026-11-21T09:15:03+07:00")
        let wire = try #require(root["events"] as? [[String: Any]])
        #expect(wire.count == 3)
        for (sent, got) in zip(events, wire) {
            #expect(got["id"] as? String == sent.id)
            #expect((got["seq"] as? NSNumber)?.int64Value == sent.seq)
            #expect(got["type"] as? String == sent.type)
            #expect(got["occurredAt"] as? String == sent.occurredAt)
            let expected = try JSONSerialization.jsonObject(with: Data(sent.data)) as? NSDictionary
            #expect((got["data"] as? NSDictionary) == expected)
        }
        let decoded = try JSONDecoder().decode(
            DossierReceivedData.self, from: JSONSerialization.data(withJSONObject: try #require(wire[0]["data"])))
        #expect(decoded == Self.received)
    }

    @Test func dataBytesAreEmbeddedVerbatim() throws {
        let events = try events()
        let body = EventBatchBody.encode(kiosk: "K", sentAt: "S", events: events)
        for event in events {
            #expect(body.firstRange(of: event.data) != nil)
        }
    }

    @Test func sizesAddUpToTheBody() throws {
        let events = try events()
        let body = EventBatchBody.encode(kiosk: "YB-VANYEN-01", sentAt: "2026-11-21T09:15:03+07:00", events: events)
        let predicted =
            EventBatchBody.envelopeSize(kiosk: "YB-VANYEN-01", sentAt: "2026-11-21T09:15:03+07:00")
            + events.map(EventBatchBody.encodedSize(of:)).reduce(0, +) - 1
        #expect(predicted == body.count)
    }

    @Test func emptyBatchAndEmptyDataStayValidJSON() throws {
        let empty = EventBatchBody.encode(kiosk: "K", sentAt: "S", events: [])
        #expect(String(decoding: empty, as: UTF8.self) == #"{"kiosk":"K","sentAt":"S","events":[]}"#)
        let nullData = EventBatchBody.encode(
            kiosk: "K", sentAt: "S", events: [WireEvent(id: "i", seq: 1, type: "t", occurredAt: "o", data: [])])
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(nullData)) }
    }
}
