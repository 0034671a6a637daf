import Foundation
import KioskCentral
import KioskDomain
import KioskForwarding
import KioskProtocol
import KioskStore
import Testing

@Suite("Updates poller")
struct UpdatesPollerTests {
    @Test("statuses and the cursor are stored; the next poll asks after the cursor")
    func againstCentral() async throws {
        let rig = try ForwardingRig()
        try rig.server.setStatus(
            kiosk: ForwardingRig.kioskId, code: "YBVY01-261121-0007-K", status: "processing",
            note: "Sở Tư pháp đang xử lý")
        try rig.server.setStatus(
            kiosk: ForwardingRig.kioskId, code: "YBVY01-261121-0008-K", status: "result-ready", note: nil)
        let poller = UpdatesPoller(store: rig.store, client: rig.client, interval: 300, clock: rig.clock.clock)
        let first = try await poller.poll().get()
        #expect(first.stored == 2)
        #expect(try await rig.store.latestStatus(code: "YBVY01-261121-0007-K")?.status == .processing)
        #expect(try await rig.store.latestStatus(code: "YBVY01-261121-0007-K")?.note == "Sở Tư pháp đang xử lý")
        #expect(try await rig.store.latestStatus(code: "YBVY01-261121-0008-K")?.status == .resultReady)
        let cursor = try #require(try await rig.store.updatesCursor())

        try rig.server.setStatus(
            kiosk: ForwardingRig.kioskId, code: "YBVY01-261121-0007-K", status: "needs-more", note: "Thiếu bản sao")
        let second = try await poller.poll().get()
        #expect(second.stored == 1)
        #expect(try await rig.store.latestStatus(code: "YBVY01-261121-0007-K")?.status == .needsMore)
        let urls = rig.spy.urls
        #expect(!urls[0].contains("after="))
        let afterFirst = urls.first { $0.contains("after=") }
        #expect(
            afterFirst?.hasSuffix(
                "after=" + cursor.addingPercentEncoding(
                    withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))!) == true)
        #expect(try await rig.store.updatesCursor() != cursor)
        await rig.tearDown()
    }

    @Test("pages are followed, unknown statuses skipped, the cursor URL-encoded, errors backed off")
    func pagesAndErrors() async throws {
        func page(_ body: String) -> CannedHTTPServer.Action {
            .respond(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            )
        }
        let server = try CannedHTTPServer(script: [
            page(
                #"{"updates":[{"code":"A-1","status":"processing","at":"2026-11-22T10:00:00+07:00"},{"code":"A-2","status":"lost-in-space","at":"2026-11-22T10:00:00+07:00"}],"next":"c 1/é"}"#
            ),
            page(
                #"{"updates":[{"code":"A-3","status":"returned","note":null,"at":"2026-11-22T11:00:00+07:00"}],"next":"c2"}"#
            ),
            page(#"{"updates":[],"next":"c2"}"#),
            .respond("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 42\r\nContent-Length: 0\r\n\r\n"),
            page("not json"),
        ])
        defer { server.stop() }
        let directory = NSTemporaryDirectory() + "kiosk-updates-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try KioskStore(path: directory + "/kiosk.sqlite")
        let clock = TestClock()
        let client = CentralClient(
            baseURL: "http://127.0.0.1:\(server.port)/central/",
            signer: RequestSigner(kioskId: "YB-01", key: ForwardingRig.key),
            transport: CentralHTTPTransport(configuration: .init(timeout: 5)), clock: clock.clock)
        let poller = UpdatesPoller(
            store: store, client: client, interval: 300, clock: clock.clock, random: SeededRandom(seed: 4))
        let result = try await poller.poll().get()
        #expect(result == .init(pages: 3, stored: 2, skipped: 1))
        #expect(try await store.latestStatus(code: "A-1")?.status == .processing)
        #expect(try await store.latestStatus(code: "A-2") == nil)
        #expect(try await store.latestStatus(code: "A-3")?.status == .returned)
        #expect(try await store.updatesCursor() == "c2")
        let paths = server.requests.map { $0.split(separator: " ")[1] }
        #expect(
            paths == [
                "/central/v1/kiosks/YB-01/updates", "/central/v1/kiosks/YB-01/updates?after=c%201%2F%C3%A9",
                "/central/v1/kiosks/YB-01/updates?after=c2",
            ])

        guard case .failure(let overloaded) = await poller.poll() else {
            Issue.record("503 should fail the poll")
            return
        }
        #expect(overloaded.wait == 42)
        guard case .failure(let garbage) = await poller.poll() else {
            Issue.record("a garbage page should fail the poll")
            return
        }
        #expect(garbage.description.contains("malformed"))
        // Second failure: attempt 1 of a backoff whose first failure was the 503.
        var reference = Backoff(random: SeededRandom(seed: 4))
        reference.countFailure()
        #expect(garbage.wait == reference.nextDelay())
        #expect(try await store.updatesCursor() == "c2")
        await store.close()
    }
}

@Suite("Health reporter")
struct HealthReporterTests {
    @Test("writes on change and at most every 5 minutes otherwise")
    func changes() async throws {
        let directory = NSTemporaryDirectory() + "kiosk-health-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try KioskStore(path: directory + "/kiosk.sqlite")
        let reporter = HealthReporter(store: store)
        let t0: Int64 = 1_795_000_000
        func at(_ s: Int64) -> Timestamp { Timestamp(unixSeconds: t0 + s) }
        var snapshot = KioskHealthData(
            printer: "ok", scanner: "ok", backlog: 0, oldestPendingAt: nil, deadLetters: 0, version: "1.2.0")
        #expect(try await reporter.report(snapshot, now: at(0)))
        snapshot.backlog = 1
        #expect(try await !reporter.report(snapshot, now: at(10)), "backlog alone waits for the periodic report")
        snapshot.printer = "paper-out"
        #expect(try await reporter.report(snapshot, now: at(20)))
        #expect(try await !reporter.report(snapshot, now: at(319)))
        #expect(try await reporter.report(snapshot, now: at(320)))
        snapshot.deadLetters = 1
        #expect(try await reporter.report(snapshot, now: at(321)))
        let events = try await store.pendingEvents(limit: 10)
        #expect(events.count == 4)
        #expect(events.allSatisfy { $0.type == "kiosk.health" })
        let decoded = try JSONDecoder().decode(KioskHealthData.self, from: Data(events[1].data))
        #expect(
            decoded
                == KioskHealthData(
                    printer: "paper-out", scanner: "ok", backlog: 1, oldestPendingAt: nil, deadLetters: 0,
                    version: "1.2.0"))
        #expect(events[3].occurredAt == at(321))
        await store.close()
    }
}
