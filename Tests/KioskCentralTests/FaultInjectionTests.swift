import Foundation
import KioskCentral
import KioskProtocol
import Testing

/// Each fault hits exactly the next N requests (health checks excluded), then service is normal.
@Suite struct FaultInjectionTests {
    private func eventsRequest(_ receiver: TestReceiver, on client: RawHTTPClient? = nil) throws -> (
        RawHTTPClient, RawHTTPClient.Outcome
    ) {
        let client = try client ?? receiver.client()
        let body = EventBatchBody.encode(kiosk: TestReceiver.kiosk, sentAt: "s", events: [Sample.event(seq: 1)])
        let outcome = client.request(
            "POST", "/v1/events",
            headers: [("Authorization", receiver.authorization("POST", "/v1/events", body: body))], body: body)
        return (client, outcome)
    }

    @Test func statusFaultForExactlyNRequests() throws {
        let receiver = try TestReceiver()
        receiver.server.injectFault(.status(503, retryAfter: "5", body: nil), count: 2)
        let client = try receiver.client()
        for _ in 0..<2 {
            let response = try #require(try eventsRequest(receiver, on: client).1.response)
            #expect(response.status == 503)
            #expect(response.headers["retry-after"] == "5")
            // Health checks are never faulted and do not use up the count.
            #expect(client.request("GET", "/v1/health").response?.status == 200)
        }
        #expect(try eventsRequest(receiver, on: client).1.response?.status == 200)
        #expect(try receiver.server.storedEvents(kiosk: nil).count == 1)
        #expect(receiver.server.statistics.count(route: "/v1/events", status: 503) == 2)
        #expect(receiver.server.statistics.faultsServed == 2)
    }

    @Test func statusFaultWithBody() throws {
        let receiver = try TestReceiver()
        receiver.server.injectFault(.status(429, retryAfter: nil, body: #"{"error":"slow down"}"#), count: 1)
        let response = try #require(try receiver.signed("GET", "/v1/kiosks/YB-VANYEN-01/updates").response)
        #expect(response.status == 429)
        #expect(response.headers["retry-after"] == nil)
        #expect(response.text == #"{"error":"slow down"}"#)
    }

    @Test func stallHoldsTheConnectionWithoutAnswer() throws {
        let receiver = try TestReceiver()
        receiver.server.injectFault(.stall(seconds: 0.5), count: 1)
        let (_, outcome) = try eventsRequest(receiver)
        guard case .closed(let bytes) = outcome else {
            Issue.record("expected a close without an answer, got \(outcome)")
            return
        }
        #expect(bytes.isEmpty)
        #expect(try eventsRequest(receiver).1.response?.status == 200)
    }

    @Test func resetSendsRST() throws {
        let receiver = try TestReceiver()
        receiver.server.injectFault(.reset, count: 2)
        for _ in 0..<2 {
            let (_, outcome) = try eventsRequest(receiver)
            guard case .reset = outcome else {
                Issue.record("expected a reset, got \(outcome)")
                return
            }
        }
        #expect(try eventsRequest(receiver).1.response?.status == 200)
        #expect(receiver.server.statistics.count(route: "/v1/events", status: 0) == 2)
    }

    @Test func garbageIs200WithABodyThatIsNotJSON() throws {
        let receiver = try TestReceiver()
        receiver.server.injectFault(.garbage, count: 1)
        let response = try #require(try eventsRequest(receiver).1.response)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect((try? JSONSerialization.jsonObject(with: Data(response.body))) == nil)
        #expect(try receiver.server.storedEvents(kiosk: nil).isEmpty)
        #expect(try eventsRequest(receiver).1.response?.status == 200)
    }

    @Test func notHTTPAnswersBytesThatAreNotHTTP() throws {
        let receiver = try TestReceiver()
        receiver.server.injectFault(.notHTTP, count: 1)
        let (_, outcome) = try eventsRequest(receiver)
        guard case .closed(let bytes) = outcome else {
            Issue.record("expected raw bytes then close, got \(outcome)")
            return
        }
        #expect(bytes == CentralServer.Fault.notHTTPBytes)
        #expect(try eventsRequest(receiver).1.response?.status == 200)
    }

    @Test func faultsQueueInOrder() throws {
        let receiver = try TestReceiver()
        receiver.server.injectFault(.status(500, retryAfter: nil, body: nil), count: 1)
        receiver.server.injectFault(.status(502, retryAfter: nil, body: nil), count: 1)
        #expect(try eventsRequest(receiver).1.response?.status == 500)
        #expect(try eventsRequest(receiver).1.response?.status == 502)
        #expect(try eventsRequest(receiver).1.response?.status == 200)
    }

    static let adminToken = "admin-token-0123456789abcdef"

    /// A receiver with its admin listener on an ephemeral loopback port.
    private func receiverWithAdmin() throws -> TestReceiver {
        try TestReceiver {
            $0.adminHost = "127.0.0.1"
            $0.adminToken = Self.adminToken
        }
    }

    @Test func adminListenerQueuesFaultsWithItsToken() throws {
        let receiver = try receiverWithAdmin()
        let admin = "http://127.0.0.1:\(receiver.server.adminPort)"
        #expect(receiver.server.adminPort != receiver.port)
        let answer = try AdminClient.send(
            FaultOrder(fault: .status(503, retryAfter: "7", body: nil), count: 1), server: admin,
            token: Self.adminToken)
        #expect(answer.contains("status 503"))
        let response = try #require(try eventsRequest(receiver).1.response)
        #expect(response.status == 503)
        #expect(response.headers["retry-after"] == "7")
        #expect(try eventsRequest(receiver).1.response?.status == 200)

        _ = try AdminClient.send(FaultOrder(fault: .reset, count: 3), server: admin, token: Self.adminToken)
        _ = try AdminClient.send(.clear, server: admin, token: Self.adminToken)
        #expect(receiver.server.pendingFaults.isEmpty)
    }

    @Test func adminListenerRefusesAMissingOrWrongToken() throws {
        let receiver = try receiverWithAdmin()
        let admin = "http://127.0.0.1:\(receiver.server.adminPort)"
        let order = FaultOrder(fault: .status(503, retryAfter: nil, body: nil), count: 9_999)
        #expect(throws: CentralError.self) { try AdminClient.send(order, server: admin, token: "not-the-token-at-all") }
        let client = try RawHTTPClient(port: receiver.server.adminPort)
        let response = try #require(
            client.request("POST", "/admin/fault", body: Array(#"{"mode":"reset","count":5}"#.utf8)).response)
        #expect(response.status == 401)
        #expect(receiver.server.pendingFaults.isEmpty)
    }

    @Test func mainListenerHasNoAdminEndpoint() throws {
        // Before: any local process could post {"count":9223372036854775807} here, no token.
        let receiver = try receiverWithAdmin()
        let response = try #require(
            try receiver.client().request(
                "POST", "/admin/fault", headers: [("Authorization", "Bearer \(Self.adminToken)")],
                body: Array(#"{"mode":"reset","count":9223372036854775807}"#.utf8)
            ).response)
        #expect(response.status == 404)
        #expect(receiver.server.pendingFaults.isEmpty)
    }

    @Test func adminListenerBindsLoopbackOnlyAndNeedsAToken() throws {
        #expect(throws: CentralError.self) {
            try TestReceiver {
                $0.adminHost = "0.0.0.0"
                $0.adminToken = Self.adminToken
            }
        }
        #expect(throws: CentralError.self) { try TestReceiver { $0.adminHost = "127.0.0.1" } }
    }

    @Test func adminEndpointRefusesNonsenseAndBoundsCount() throws {
        let receiver = try receiverWithAdmin()
        let client = try RawHTTPClient(port: receiver.server.adminPort)
        let response = try #require(
            client.request(
                "POST", "/admin/fault", headers: [("Authorization", "Bearer \(Self.adminToken)")],
                body: Array(#"{"mode":"explode"}"#.utf8)
            ).response)
        #expect(response.status == 400)
        #expect((response.json()?["error"] as? String)?.contains("explode") == true)
        let huge = try #require(
            try RawHTTPClient(port: receiver.server.adminPort).request(
                "POST", "/admin/fault", headers: [("Authorization", "Bearer \(Self.adminToken)")],
                body: Array(#"{"mode":"reset","count":9223372036854775807}"#.utf8)
            ).response)
        #expect(huge.status == 400)
        #expect(receiver.server.pendingFaults.isEmpty)
    }

    @Test func faultOrderRoundTrips() throws {
        for fault in [
            CentralServer.Fault.status(503, retryAfter: "5", body: "x"), .stall(seconds: 2), .reset, .garbage, .notHTTP,
            .resetAfterProcessing,
        ] {
            let order = FaultOrder(fault: fault, count: 2)
            let decoded = try JSONDecoder().decode(FaultOrder.self, from: JSONEncoder().encode(order))
            #expect(try decoded.fault() == fault)
        }
        let numeric = try JSONDecoder().decode(FaultOrder.self, from: Data(#"{"status":429,"retryAfter":30}"#.utf8))
        #expect(try numeric.fault() == .status(429, retryAfter: "30", body: nil))
    }
}

@Suite struct LostAnswerTests {
    @Test func resetAfterProcessingStoresThenDropsTheAnswer() throws {
        let receiver = try TestReceiver()
        receiver.server.injectFault(.resetAfterProcessing, count: 1)
        let event = Sample.event(seq: 1)
        guard case .reset = try receiver.post([event]) else {
            Issue.record("expected a reset")
            return
        }
        #expect(try receiver.server.storedEvents(kiosk: nil).map(\.id) == [event.id])
        let again = try #require(try receiver.post([event]).response)
        let results = try JSONDecoder().decode(BatchResults.self, from: Data(again.body))
        #expect(results.results.map(\.status) == ["duplicate"])
    }
}
