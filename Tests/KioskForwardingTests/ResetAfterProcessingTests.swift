import Foundation
import KioskCentral
import KioskForwarding
import KioskProtocol
import Testing

/// The central processes a batch, then the connection is reset before the answer: a transport
/// that sent the same signed request again on a fresh connection (libcurl did) would get
/// `401 replay`. Every attempt must carry a new nonce instead.
@Suite("A reset after central processed the request")
struct ResetAfterProcessingTests {
    @Test("no 401 replay: the batch is signed again, delivered once, and the status stays clean")
    func resetAfterProcessing() async throws {
        let rig = try ForwardingRig()
        let proxy = try ResettingProxy(backendPort: rig.server.port)
        defer { proxy.stop() }
        let client = CentralClient(
            baseURL: "http://127.0.0.1:\(proxy.port)",
            signer: RequestSigner(kioskId: ForwardingRig.kioskId, key: ForwardingRig.key),
            transport: CentralHTTPTransport(configuration: .init(timeout: 10)), clock: rig.clock.clock)
        let forwarder = Forwarder(store: rig.store, client: client, clock: rig.clock.clock)

        // The first batch opens the connection that the transport keeps alive.
        try await rig.fill(1)
        try await forwarder.drain()
        #expect(proxy.requests == 1)

        // The second batch goes out on that reused connection; central stores it, the
        // answer is lost to a reset.
        proxy.resetAfterProcessing(request: 2)
        try await rig.fill(1, from: 1)
        try await forwarder.drain()

        #expect(rig.server.statistics.count(route: "/v1/events", status: 401) == 0)
        let status = await forwarder.status
        #expect(status.lastError == nil, "\(status.lastError ?? "")")
        #expect(status.consecutiveFailures == 0)
        // Sent again at once, not after a backoff.
        #expect(rig.clock.waits.isEmpty, "\(rig.clock.waits)")
        #expect(try rig.expectAllStoredOnce(2))
        #expect(try await rig.store.summary().pending == 0)
        await rig.tearDown()
    }

    @Test("a 401 replay answer is sent again with a new nonce, never reported as a key problem")
    func replayAnswerIsResent() async throws {
        let server = try CannedHTTPServer(script: [
            .respond(
                "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: 18\r\n\r\n"
                    + #"{"error":"replay"}"#),
            .respond("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
        ])
        defer { server.stop() }
        let client = CentralClient(
            baseURL: "http://127.0.0.1:\(server.port)",
            signer: RequestSigner(kioskId: ForwardingRig.kioskId, key: ForwardingRig.key),
            transport: CentralHTTPTransport(configuration: .init(timeout: 5)))
        let answer = try await client.send(method: "GET", pathAndQuery: "/v1/kiosks/x/updates").get()
        #expect(answer.status == 200)
        let heads = server.requests
        #expect(heads.count == 2)
        let nonces = heads.map { head in
            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("authorization:") }.map(String.init)
        }
        #expect(nonces.count == 2 && nonces[0] != nil && nonces[0] != nonces[1], "\(nonces)")
    }
}
