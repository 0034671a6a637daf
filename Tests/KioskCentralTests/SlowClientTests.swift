import Foundation
import KioskCentral
import KioskProtocol
import Testing

/// kiosk-central against slow clients (slowloris): one address holds at most its share of
/// connections, and a head that trickles in is cut off. Before, 64 connections were shared
/// by all, each could sit 15 s idle and 30 s per request: 80 unauthenticated slow connections
/// made health probes and kiosks' batches answer 503.
@Suite struct SlowClientTests {
    @Test func a100SlowConnectionsFromOneAddressDoNotStopAnotherKiosksBatch() throws {
        let receiver = try TestReceiver()
        // 100 connections from 127.0.0.2, each having sent half a request head and stopped.
        var slow: [RawHTTPClient] = []
        for _ in 0..<100 {
            let client = try RawHTTPClient(port: receiver.port, source: "127.0.0.2")
            client.send("POST /v1/events HTTP/1.1\r\nHost: central\r\nContent-Le")
            slow.append(client)
        }
        // Those beyond the per-address share were answered 503 and closed at once (the close
        // may arrive as a reset, the request bytes being unread): the last one was.
        switch slow.last?.readResponse() {
        case .response(let refused)?:
            #expect(refused.status == 503)
            #expect(refused.text.contains("127.0.0.2"))
        case .reset?, .closed?: break
        default: Issue.record("the 100th slow connection from one address was admitted")
        }

        // A kiosk from 127.0.0.1 gets its signed batch answered (readResponse waits up to 10 s;
        // the slow connections hold theirs for the 10 s head deadline).
        let outcome = try receiver.post([Sample.event(seq: 1)])
        let response = try #require(outcome.response, "the batch was not answered: \(outcome)")
        #expect(response.status == 200)
        #expect(try receiver.server.storedEvents(kiosk: TestReceiver.kiosk).count == 1)
        withExtendedLifetime(slow) {}
    }

    @Test func aHeadThatTricklesInIsCutOffAtTheHeadDeadline() throws {
        let receiver = try TestReceiver { $0.limits.headerTimeout = 1 }
        let client = try receiver.client()
        client.send("GET /v1/health HTTP/1.1\r\n")
        // One more header byte now and then; the head never ends. The receiver closes it
        // (idle 15 s and request 30 s would have kept it open far longer than this wait).
        var closed = false
        for _ in 0..<40 where !closed {
            client.send("X")
            closed = client.isClosedByServer(waiting: 0.25)
        }
        #expect(closed)
    }
}
