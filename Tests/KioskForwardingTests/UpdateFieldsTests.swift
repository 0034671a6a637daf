import Foundation
import KioskCentral
import KioskDomain
import KioskForwarding
import KioskProtocol
import KioskStore
import Testing

/// The optional fields of an update (central-protocol.md, issue 15): a new appointment and the
/// documents still needed, from `kiosk-central set-status` through the poller into the store.
@Suite("Update fields")
struct UpdateFieldsTests {
    @Test("a dueDate and documents set at the central reach the kiosk's store")
    func dueDateAndDocuments() async throws {
        let rig = try ForwardingRig()
        try rig.server.setStatus(
            kiosk: ForwardingRig.kioskId, code: "LCVY01-261123-0007-K", status: "processing",
            note: "Chờ xác minh", dueDate: "2026-12-15", dueTime: "14:00")
        try rig.server.setStatus(
            kiosk: ForwardingRig.kioskId, code: "LCVY01-261123-0008-K", status: "needs-more", note: nil,
            documents: [WireDocument(name: "Bản sao Giấy khai sinh", kind: "copy", count: 1)])
        let poller = UpdatesPoller(store: rig.store, client: rig.client, interval: 300, clock: rig.clock.clock)
        #expect(try await poller.poll().get().stored == 2)
        let late = try #require(try await rig.store.latestStatus(code: "LCVY01-261123-0007-K"))
        #expect(late.dueDate == CalendarDay(iso: "2026-12-15"))
        #expect(late.dueTime == TimeOfDay(hour: 14, minute: 0))
        let needsMore = try #require(try await rig.store.latestStatus(code: "LCVY01-261123-0008-K"))
        #expect(needsMore.documents == [DossierDocument(name: "Bản sao Giấy khai sinh", kind: .copy, count: 1)])
        #expect(needsMore.dueDate == nil)

        // A later update without a date keeps the new appointment; one with documents replaces them.
        try rig.server.setStatus(
            kiosk: ForwardingRig.kioskId, code: "LCVY01-261123-0007-K", status: "processing", note: "Đang xử lý")
        #expect(try await poller.poll().get().stored == 1)
        #expect(
            try await rig.store.latestStatus(code: "LCVY01-261123-0007-K")?.dueDate == CalendarDay(iso: "2026-12-15"))
        await rig.tearDown()
    }

    @Test("set-status refuses a malformed date, time or document")
    func setStatusChecksItsFields() throws {
        let rig = try ForwardingRig()
        let kiosk = ForwardingRig.kioskId
        #expect(throws: CentralError.self) {
            try rig.server.setStatus(kiosk: kiosk, code: "C", status: "processing", note: nil, dueDate: "2026-02-30")
        }
        #expect(throws: CentralError.self) {
            try rig.server.setStatus(
                kiosk: kiosk, code: "C", status: "processing", note: nil, dueDate: "2026-12-15", dueTime: "25:00")
        }
        #expect(throws: CentralError.self) {
            try rig.server.setStatus(
                kiosk: kiosk, code: "C", status: "needs-more", note: nil,
                documents: [WireDocument(name: "Giấy", kind: "scan", count: 1)])
        }
    }

    @Test("a malformed optional field from a server is dropped, the status kept")
    func malformedFieldsAreDropped() async throws {
        let body =
            #"{"updates":[{"code":"A-1","status":"needs-more","at":"2026-11-22T10:00:00+07:00","dueDate":"15/12/2026","documents":[{"name":"X","kind":"photo","count":1},{"name":"Bản sao Giấy khai sinh","kind":"copy","count":2}]}],"next":"c1"}"#
        let server = try CannedHTTPServer(script: [
            .respond(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            ),
            .respond(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n{\"updates\":[],\"next\":\"c1\"}"
            ),
        ])
        defer { server.stop() }
        let directory = NSTemporaryDirectory() + "kiosk-update-fields-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try KioskStore(path: directory + "/kiosk.sqlite")
        let clock = TestClock()
        let client = CentralClient(
            baseURL: "http://127.0.0.1:\(server.port)/",
            signer: RequestSigner(kioskId: "YB-01", key: ForwardingRig.key),
            transport: CentralHTTPTransport(configuration: .init(timeout: 5)), clock: clock.clock)
        let poller = UpdatesPoller(store: store, client: client, interval: 300, clock: clock.clock)
        #expect(try await poller.poll().get().stored == 1)
        let status = try #require(try await store.latestStatus(code: "A-1"))
        #expect(status.status == .needsMore)
        #expect(status.dueDate == nil)
        #expect(status.documents == [DossierDocument(name: "Bản sao Giấy khai sinh", kind: .copy, count: 2)])
    }
}
