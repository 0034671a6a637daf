import Foundation
import KioskCentral
import KioskProtocol
import KioskSystem

/// A receiver on an ephemeral loopback port with a fresh database in a temp directory,
/// knowing kiosk `YB-VANYEN-01`.
final class TestReceiver {
    static let kiosk = "YB-VANYEN-01"
    static let key = try! KioskKey(bytes: Array("kiosk-test-key-0123456789abcdef!".utf8))

    let directory: String
    let server: CentralServer
    let signer = RequestSigner(kioskId: TestReceiver.kiosk, key: TestReceiver.key)

    init(_ adjust: (inout CentralServer.Configuration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("central-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = CentralServer.Configuration(
            databasePath: directory + "/central.db", kiosks: [Self.kiosk: Self.key])
        adjust(&configuration)
        server = try CentralServer(configuration: configuration)
        try server.start()
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var port: Int { server.port }

    func client() throws -> RawHTTPClient { try RawHTTPClient(port: port) }

    /// Authorization for a request, signed now (shifted by `skew` seconds) with a fresh nonce.
    func authorization(
        _ method: String, _ target: String, body: [UInt8], skew: Int64 = 0, nonce: String = RequestSigner.randomNonce(),
        signer: RequestSigner? = nil
    ) -> String {
        (signer ?? self.signer).authorization(
            method: method, pathAndQuery: target, body: body, unixTime: wallClockSeconds() + skew, nonce: nonce)
    }

    /// A signed request on a new connection.
    func signed(_ method: String, _ target: String, body: [UInt8] = []) throws -> RawHTTPClient.Outcome {
        let client = try client()
        return client.request(
            method, target, headers: [("Authorization", authorization(method, target, body: body))], body: body)
    }

    /// Posts a batch signed by the test kiosk.
    func post(_ events: [WireEvent], kiosk: String = TestReceiver.kiosk) throws -> RawHTTPClient.Outcome {
        let body = EventBatchBody.encode(kiosk: kiosk, sentAt: "2026-11-21T09:15:03+07:00", events: events)
        return try signed("POST", "/v1/events", body: body)
    }
}

/// Events for tests.
enum Sample {
    static func receivedData(procedure: String = "1.001234", dropping field: String? = nil) -> [UInt8] {
        var object: [String: Any] = [
            "code": "YBVY01-261121-0007-K",
            "procedure": ["code": procedure, "name": "Cấp Phiếu lý lịch tư pháp"],
            "applicant": [
                "idNumber": "001094012345", "name": "Nguyễn Bá Hoàng", "birthDate": "1995-03-14", "gender": "Nam",
                "address": "Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái",
            ],
            "receivedAt": "2026-11-21T09:15:02+07:00",
            "dueDate": "2026-11-28",
            "fee": ["amount": 200000, "currency": "VND"],
            "delivery": ["method": "counter"],
            "office": "Bưu điện huyện Văn Yên",
        ]
        if let field { object.removeValue(forKey: field) }
        return Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static func event(
        seq: Int64, type: String = EventType.dossierReceived.rawValue, data: [UInt8]? = nil,
        id: String = UUID().uuidString.lowercased()
    ) -> WireEvent {
        WireEvent(id: id, seq: seq, type: type, occurredAt: "2026-11-21T09:15:02+07:00", data: data ?? receivedData())
    }

    static let health = Array(#"{"printer":"ok","scanner":"ok","backlog":0,"deadLetters":0,"version":"1.2.0"}"#.utf8)
}
