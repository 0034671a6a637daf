import Foundation
import KioskCentral
import KioskProtocol
import Testing

@Suite struct UpdatesTests {
    private func page(_ receiver: TestReceiver, after cursor: String?) throws -> UpdatesPage {
        let target = "/v1/kiosks/YB-VANYEN-01/updates" + (cursor.map { "?after=\($0)" } ?? "")
        let response = try #require(try receiver.signed("GET", target).response)
        #expect(response.status == 200)
        return try JSONDecoder().decode(UpdatesPage.self, from: Data(response.body))
    }

    @Test func setStatusShowsUpAfterTheCursor() throws {
        let receiver = try TestReceiver()
        let empty = try page(receiver, after: nil)
        #expect(empty.updates.isEmpty)
        try receiver.server.setStatus(
            kiosk: TestReceiver.kiosk, code: "YBVY01-261121-0007-K", status: "processing", note: "Sở Tư pháp đang xử lý"
        )
        try receiver.server.setStatus(kiosk: "LC-OTHER-02", code: "LC-1", status: "processing", note: nil)
        try receiver.server.setStatus(
            kiosk: TestReceiver.kiosk, code: "YBVY01-261121-0007-K", status: "result-ready", note: nil)
        let first = try page(receiver, after: empty.next)
        #expect(first.updates.map(\.status) == ["processing", "result-ready"])
        #expect(first.updates[0].note == "Sở Tư pháp đang xử lý")
        #expect(first.updates[1].note == nil)
        #expect(first.updates[0].at.hasSuffix("+07:00"))
        let after = try page(receiver, after: first.next)
        #expect(after.updates.isEmpty)
        #expect(after.next == first.next)
    }

    @Test func pagesAreBoundedAndFollowTheCursor() throws {
        let receiver = try TestReceiver { $0.updatesPageSize = 2 }
        for i in 1...5 {
            try receiver.server.setStatus(kiosk: TestReceiver.kiosk, code: "C-\(i)", status: "received", note: nil)
        }
        var cursor: String? = nil
        var codes: [[String]] = []
        repeat {
            let next = try page(receiver, after: cursor)
            codes.append(next.updates.map(\.code))
            cursor = next.next
        } while codes.last?.isEmpty == false
        #expect(codes == [["C-1", "C-2"], ["C-3", "C-4"], ["C-5"], []])
    }

    @Test func unknownStatusIsRefused() throws {
        let receiver = try TestReceiver()
        #expect(throws: CentralError.self) {
            try receiver.server.setStatus(kiosk: TestReceiver.kiosk, code: "C", status: "lost", note: nil)
        }
    }

    @Test func aKioskReadsOnlyItsOwnUpdates() throws {
        let receiver = try TestReceiver()
        #expect(try receiver.signed("GET", "/v1/kiosks/LC-OTHER-02/updates").response?.status == 403)
    }

    @Test func invalidCursorIs400() throws {
        let receiver = try TestReceiver()
        #expect(try receiver.signed("GET", "/v1/kiosks/YB-VANYEN-01/updates?after=banana").response?.status == 400)
    }

    @Test func updatesNeedASignature() throws {
        let receiver = try TestReceiver()
        let response = try #require(try receiver.client().request("GET", "/v1/kiosks/YB-VANYEN-01/updates").response)
        #expect(response.status == 401)
    }
}
