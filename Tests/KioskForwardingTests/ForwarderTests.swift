import Foundation
import KioskCentral
import KioskDomain
import KioskForwarding
import KioskProtocol
import KioskStore
import KioskSystem
import Testing

@Suite("Forwarder against a real central server on loopback")
struct ForwarderTests {
    @Test("10,000 events arrive in seq order, none missing, none stored twice")
    func tenThousand() async throws {
        let rig = try ForwardingRig()
        try await rig.fill(10_000)
        let forwarder = rig.forwarder(batchSize: 500)
        try await forwarder.drain()
        #expect(try rig.expectAllStoredOnce(10_000))
        #expect(try await rig.store.summary().pending == 0)
        #expect(try await rig.store.summary().delivered == 10_000)
        let status = await forwarder.status
        #expect(status.totalDelivered == 10_000)
        #expect(status.consecutiveFailures == 0)
        #expect(status.lastDeliveryAt != nil)
        #expect(rig.eventRequests() == 20)
        #expect(rig.server.statistics.eventsDuplicate == 0)
        #expect(rig.clock.waits.isEmpty, "\(status.lastError ?? "")")
        await rig.tearDown()
    }

    /// Faults whose answer is "back off": each ends with every event delivered once, one
    /// request per fault plus the batches, and waits exactly those of a full-jitter backoff
    /// with the same seed (base 1 s, cap 300 s).
    @Test(
        "whole-request failures back off with full jitter and lose nothing",
        arguments: [
            (
                "400", CentralServer.Fault.status(400, retryAfter: nil, body: #"{"error":"bad-json"}"#),
                "malformed (400): error text not shown"
            ),
            ("401 bad key", .status(401, retryAfter: nil, body: #"{"error":"bad-signature"}"#), "bad-signature"),
            ("500", .status(500, retryAfter: nil, body: nil), "HTTP 500"),
            ("502", .status(502, retryAfter: nil, body: nil), "HTTP 502"),
            ("503 without Retry-After", .status(503, retryAfter: nil, body: nil), "overloaded (503)"),
            ("429 without Retry-After", .status(429, retryAfter: nil, body: nil), "overloaded (429)"),
            ("reset", .reset, "connection-reset"),
            ("garbage 200", .garbage, "malformed answer"),
            ("not HTTP", .notHTTP, "central:"),
        ])
    func backsOff(name: String, fault: CentralServer.Fault, errorText: String) async throws {
        let rig = try ForwardingRig()
        try await rig.fill(250)
        rig.server.injectFault(fault, count: 4)
        let failures = FailureLog()
        let forwarder = rig.forwarder(batchSize: 100, seed: 99, logger: failures.logger)
        try await forwarder.drain()
        #expect(try rig.expectAllStoredOnce(250), "\(name)")
        #expect(rig.eventRequests() == 4 + 3, "\(name): one request per fault, then three batches")
        #expect(rig.clock.waits == ForwardingRig.expectedWaits(seed: 99, count: 4), "\(name)")
        #expect(
            failures.all.count == 4 && failures.all.allSatisfy { $0.contains(errorText) }, "\(name): \(failures.all)")
        // Recovered: the status describes no past problem.
        let status = await forwarder.status
        #expect(status.lastError == nil, "\(name): \(status.lastError ?? "nil")")
        #expect(status.consecutiveFailures == 0)
        #expect(status.totalDelivered == 250)
        await rig.tearDown()
    }

    @Test("a stall past the timeout backs off and loses nothing")
    func stall() async throws {
        let rig = try ForwardingRig(timeout: 1)
        try await rig.fill(150)
        rig.server.injectFault(.stall(seconds: 3), count: 1)
        let failures = FailureLog()
        let forwarder = rig.forwarder(batchSize: 100, seed: 5, logger: failures.logger)
        try await forwarder.drain()
        #expect(try rig.expectAllStoredOnce(150))
        // Waits are recorded, not slept, so a retry can meet the server still stalled (or
        // slow under a loaded test run) and time out again: the count varies, but every
        // failed request is followed by the next full-jitter wait, and only by one.
        let waits = rig.clock.waits
        #expect(!waits.isEmpty)
        #expect(waits == ForwardingRig.expectedWaits(seed: 5, count: waits.count))
        #expect(rig.spy.batchSizes.count == waits.count + 2)
        #expect(rig.spy.batchSizes.suffix(2) == [100, 50])
        #expect(failures.all.first?.contains("timeout") == true, "\(failures.all)")
        #expect(await forwarder.status.lastError == nil)
        await rig.tearDown()
    }

    @Test("429 and 503 wait the server's Retry-After, in seconds or as an HTTP-date")
    func retryAfter() async throws {
        let rig = try ForwardingRig()
        try await rig.fill(120)
        rig.server.injectFault(.status(429, retryAfter: "1", body: nil), count: 1)
        let forwarder = rig.forwarder(batchSize: 100)
        try await forwarder.drain()
        #expect(rig.clock.waits == [1])

        try await rig.fill(50, from: 120)
        let date = HTTPDate.format(unixSeconds: Int64(Date().timeIntervalSince1970) + 30)
        rig.server.injectFault(.status(503, retryAfter: date, body: nil), count: 2)
        try await forwarder.drain()
        let waits = rig.clock.waits
        #expect(waits.count == 3)
        // 30 s ahead at injection, whole seconds: well above any backoff at attempts 0–1 (≤ 2 s),
        // allowing for a slow, loaded test run.
        #expect(waits.dropFirst().allSatisfy { (15...30).contains($0) }, "\(waits)")
        #expect(try rig.expectAllStoredOnce(170))
        #expect(rig.eventRequests() == 1 + 2 + 2 + 1)
        await rig.tearDown()
    }

    @Test("413 halves the batch size at once, down to what the server takes, then grows back")
    func tooLarge() async throws {
        let rig = try ForwardingRig()
        try await rig.fill(400)
        rig.server.injectFault(.status(413, retryAfter: nil, body: nil), count: 2)
        let forwarder = rig.forwarder(batchSize: 100, successesBeforeGrowing: 4)
        try await forwarder.drain()
        #expect(try rig.expectAllStoredOnce(400))
        #expect(rig.clock.waits.isEmpty, "413 retries at once")
        // 100 → 413, 50 → 413, then 25 × 4, then doubled to 50 × 4, then 100.
        #expect(Array(rig.spy.batchSizes.prefix(11)) == [100, 50, 25, 25, 25, 25, 50, 50, 50, 50, 100])
        #expect(await forwarder.status.batchSize == 100)
        await rig.tearDown()
    }

    @Test("a single event still answered 413 is kept and retried with backoff, never dropped")
    func tooLargeSingle() async throws {
        let rig = try ForwardingRig()
        try await rig.fill(3)
        rig.server.injectFault(.status(413, retryAfter: nil, body: nil), count: 3)
        let forwarder = rig.forwarder(batchSize: 1, seed: 8)
        try await forwarder.drain()
        #expect(try rig.expectAllStoredOnce(3))
        #expect(rig.clock.waits == ForwardingRig.expectedWaits(seed: 8, count: 3))
        #expect(rig.spy.batchSizes == [1, 1, 1, 1, 1, 1])
        await rig.tearDown()
    }

    @Test("401 clock-skew: the offset is measured from the Date header, reported, and cleared by a delivery")
    func clockSkew() async throws {
        let clock = TestClock(offset: 1000)
        let rig = try ForwardingRig(clock: clock)
        try await rig.fill(10)
        let forwarder = rig.forwarder(seed: 3)
        // The technician fixes the clock after the forwarder has reported it twice; what the
        // status said then is kept to check.
        let fixer = Task { () -> ForwarderStatus in
            while clock.waits.count < 2 { await Task.yield() }
            let reported = await forwarder.status
            clock.setOffset(0)
            return reported
        }
        try await forwarder.drain()
        let reported = await fixer.value
        #expect(
            reported.clockSkewSeconds.map { (998...1002).contains($0) } == true,
            "\(String(describing: reported.clockSkewSeconds))")
        #expect(reported.lastError?.contains("clock-skew") == true)
        #expect(reported.lastError?.contains("ahead") == true)
        #expect(try rig.expectAllStoredOnce(10))
        #expect(rig.server.statistics.count(route: "/v1/events", status: 401) == clock.waits.count)
        // Delivered since: the status no longer describes a problem that went away.
        let status = await forwarder.status
        #expect(status.clockSkewSeconds == nil)
        #expect(status.lastError == nil)
        #expect(status.lastErrorAt == nil)
        #expect(status.consecutiveFailures == 0)
        await rig.tearDown()
    }

    @Test("a wrong key is reported and retried with backoff; nothing is dropped")
    func wrongKey() async throws {
        let clock = TestClock(maxWaits: 6)
        let wrong = try KioskKey(bytes: Array(repeating: 0x41, count: 32))
        let rig = try ForwardingRig(clock: clock, signingKey: wrong)
        try await rig.fill(20)
        let forwarder = rig.forwarder(seed: 11)
        await #expect(throws: CancellationError.self) { try await forwarder.drain() }
        let status = await forwarder.status
        #expect(status.lastError?.contains("bad-signature") == true)
        #expect(status.lastError?.contains("KeyFile") == true)
        #expect(status.consecutiveFailures == 7)
        #expect(Array(clock.waits.prefix(6)) == ForwardingRig.expectedWaits(seed: 11, count: 6))
        #expect(rig.eventRequests() == 7)
        #expect(try await rig.store.summary().pending == 20)
        #expect(try rig.server.storedEvents(kiosk: ForwardingRig.kioskId).isEmpty)
        let attempts = try await rig.store.pendingEvents(limit: 1)[0]
        #expect(attempts.attempts == 7)
        #expect(attempts.lastError?.contains("bad-signature") == true)
        await rig.tearDown()
    }

    @Test("a rejected event goes to dead letters with its reason; requeued, it is sent again")
    func deadLetters() async throws {
        let rig = try ForwardingRig()
        let now = Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970))
        try await rig.fill(5)
        let bad = try await rig.store.appendEvent(
            type: "dossier.received", data: sampleDossier(5, procedure: "1.0099"), occurredAt: now)
        try await rig.fill(4, from: 6)
        let forwarder = rig.forwarder()
        try await forwarder.drain()
        let dead = try await rig.store.deadLetters(limit: 10)
        #expect(dead.map(\.event.id) == [bad.id])
        #expect(dead.first?.reason.contains("1.0099") == true)
        #expect(try await rig.store.summary().delivered == 9)
        #expect(await forwarder.status.totalDeadLettered == 1)
        #expect(rig.server.statistics.eventsRejected == 1)

        #expect(try await rig.store.requeue(id: bad.id))
        #expect(try await rig.store.summary().pending == 1)
        try await forwarder.drain()
        #expect(rig.server.statistics.eventsRejected == 2, "the requeued event was sent again")
        #expect(try await rig.store.deadLetters(limit: 10).map(\.event.id) == [bad.id])
        #expect(rig.spy.batchSizes == [10, 1])
        await rig.tearDown()
    }

    @Test("an idle forwarder wakes on nudge; with no URL nothing is sent")
    func nudgeAndDisabled() async throws {
        let rig = try ForwardingRig()
        let forwarder = Forwarder(
            store: rig.store, client: rig.client, configuration: ForwarderConfiguration(idlePollInterval: 3600))
        let running = Task { await forwarder.run() }
        try await rig.fill(3)
        await forwarder.nudge()
        var delivered = 0
        var pending = 3
        // Delivered means stored at the server *and* marked in the kiosk's outbox: cancelling
        // between the two leaves the events pending (sent again later, answered duplicate).
        for _ in 0..<1500 where delivered < 3 || pending > 0 {
            try await Task.sleep(for: .milliseconds(20))
            delivered = try rig.server.storedEvents(kiosk: ForwardingRig.kioskId).count
            pending = try await rig.store.summary().pending
        }
        #expect(delivered == 3)
        #expect(pending == 0)
        running.cancel()
        await running.value
        #expect(await forwarder.status.state == .stopped)

        let off = CentralClient(
            baseURL: "", signer: RequestSigner(kioskId: ForwardingRig.kioskId, key: ForwardingRig.key),
            transport: rig.spy)
        let idle = Forwarder(store: rig.store, client: off)
        try await rig.fill(2, from: 3)
        #expect(await idle.status.state == .disabled)
        let task = Task { await idle.run() }
        await idle.nudge()
        try await idle.drain()
        task.cancel()
        await task.value
        #expect(try await rig.store.summary().pending == 2)
        #expect(rig.eventRequests() == 1)
        await rig.tearDown()
    }
}
