import Foundation
import KioskCentral
import KioskProtocol
import KioskSystem
import Testing

@Suite struct ReceiverBasicsTests {
    @Test func acceptAndConnectionThreadsCarryTheirNames() throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        // Answered on a connection thread, while the connection stays open (keep-alive).
        #expect(client.request("GET", "/v1/health").response?.status == 200)
        let names = NamedThread.namesInProcess
        #expect(names.contains("central-accept"), "\(names)")
        #expect(names.contains("central-conn"), "\(names)")
        withExtendedLifetime(client) {}
    }

    @Test func healthAnswersWithoutAuthentication() throws {
        let receiver = try TestReceiver()
        let response = try #require(try receiver.client().request("GET", "/v1/health").response)
        #expect(response.status == 200)
        #expect(response.json()?["ok"] as? Bool == true)
        #expect(response.headers["date"]?.hasSuffix(" GMT") == true)
    }

    @Test func unknownPathAndWrongMethod() throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        #expect(client.request("GET", "/v2/nothing").response?.status == 404)
        let wrong = try #require(client.request("GET", "/v1/events").response)
        #expect(wrong.status == 405)
        #expect(wrong.headers["allow"] == "POST")
        #expect(client.request("DELETE", "/v1/health").response?.status == 405)
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        for _ in 0..<3 {
            #expect(client.request("GET", "/v1/health").response?.status == 200)
        }
        #expect(receiver.server.statistics.count(route: "/v1/health", status: 200) == 3)
    }

    @Test func connectionCloseIsHonoured() throws {
        let receiver = try TestReceiver()
        let client = try receiver.client()
        let response = try #require(client.request("GET", "/v1/health", close: true).response)
        #expect(response.headers["connection"] == "close")
        #expect(client.isClosedByServer())
    }

    @Test func reportsTheEphemeralPortAndStops() throws {
        let receiver = try TestReceiver()
        #expect(receiver.port > 0)
        let port = receiver.port
        receiver.server.stop()
        #expect(receiver.server.port == 0)
        #expect(throws: (any Error).self) { _ = try RawHTTPClient(port: port) }
    }
}
