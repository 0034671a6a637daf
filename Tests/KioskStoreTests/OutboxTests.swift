import Foundation
import KioskDomain
import KioskSQLite
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite struct OutboxTests {
    let at = Fixtures.time("2026-11-21T09:15:02+07:00")

    @Test func appendPendingDeliverDeadLetterRequeueAndSummary() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        #expect(
            try await store.summary()
                == OutboxSummary(
                    pending: 0, oldestPendingAt: nil, deadLetters: 0, delivered: 0, lastDeliveredAt: nil, lastSeq: 0))

        var written: [OutboxEvent] = []
        for n in 1...4 {
            written.append(
                try await store.appendEvent(
                    type: "kiosk.health", data: Array("{\"n\":\(n)}".utf8),
                    occurredAt: Timestamp(unixSeconds: at.unixSeconds + Int64(n))))
        }
        #expect(written.map(\.seq) == [1, 2, 3, 4])
        #expect(Set(written.map(\.id)).count == 4)
        for event in written {
            #expect(event.id == event.id.lowercased())
            #expect(UUID(uuidString: event.id) != nil)
            #expect(Array(event.id)[14] == "4")  // version 4
        }
        #expect(try await store.pendingEvents(limit: 10) == written)
        #expect(try await store.pendingEvents(limit: 2) == Array(written.prefix(2)))
        #expect(try await store.pendingEvents(limit: 0) == [])

        // Delivered: leaves the pending list.
        let deliveredAt = Fixtures.time("2026-11-21T09:20:00+07:00")
        try await store.markDelivered(
            [written[0], OutboxEvent(id: "no-such-id", seq: 99, type: "t", occurredAt: deliveredAt, data: [])],
            at: deliveredAt)
        #expect(try await store.pendingEvents(limit: 10).map(\.seq) == [2, 3, 4])

        // A failed attempt counts and keeps the error.
        try await store.recordFailedAttempt([written[1]], error: "HTTP 503", nextAttemptAt: deliveredAt)
        let afterFailure = try await store.pendingEvents(limit: 1)
        #expect(afterFailure.first?.attempts == 1)
        #expect(afterFailure.first?.lastError == "HTTP 503")

        // Rejected: a dead letter with its reason.
        let deadAt = Fixtures.time("2026-11-21T09:21:00+07:00")
        try await store.moveToDeadLetters(written[2], reason: "unknown procedure code 1.0099", at: deadAt)
        #expect(try await store.pendingEvents(limit: 10).map(\.seq) == [2, 4])
        let dead = try await store.deadLetters(limit: 10)
        #expect(dead == [DeadLetter(event: written[2], reason: "unknown procedure code 1.0099", at: deadAt)])
        await #expect {
            try await store.moveToDeadLetters(written[0], reason: "x", at: deadAt)  // delivered already
        } throws: { ($0 as? StoreError)?.kind == .unknownEvent }

        #expect(
            try await store.summary()
                == OutboxSummary(
                    pending: 2, oldestPendingAt: written[1].occurredAt, deadLetters: 1, delivered: 1,
                    lastDeliveredAt: deliveredAt, lastSeq: 4))

        // Requeue: back to pending, in seq order.
        #expect(try await store.requeue(id: written[2].id))
        #expect(try await !store.requeue(id: written[2].id))
        #expect(try await !store.requeue(id: "no-such-id"))
        #expect(try await store.pendingEvents(limit: 10).map(\.seq) == [2, 3, 4])
        #expect(try await store.deadLetters(limit: 10) == [])
        #expect(try await store.summary().deadLetters == 0)
    }

    @Test func appendEventsIsAllOrNothing() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let events = try await store.appendEvents([
            (type: "a", data: [1], occurredAt: at), (type: "b", data: [], occurredAt: at),
        ])
        #expect(events.map(\.seq) == [1, 2])
        #expect(try await store.pendingEvents(limit: 5).map(\.data) == [[1], []])
        await #expect {
            _ = try await store.appendEvents([
                (type: "c", data: [3], occurredAt: at), (type: "", data: [4], occurredAt: at),
            ])
        } throws: { ($0 as? StoreError)?.kind == .invalidArgument }
        #expect(try await store.pendingEvents(limit: 5).count == 2)
        #expect(try await store.appendEvent(type: "d", data: [5], occurredAt: at).seq == 3)  // no gap
    }

    @Test func seqIsGaplessAcrossRestartsAndNeverReusedAfterPurge() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("kiosk.db")
        var seqs: [Int64] = []
        for _ in 0..<3 {
            let store = try KioskStore(path: path)
            for _ in 0..<4 { seqs.append(try await store.appendEvent(type: "t", data: [0], occurredAt: at).seq) }
            await store.close()
        }
        #expect(seqs == Array(1...12))

        // Deliver everything and purge it all: the table is empty, the numbering goes on.
        let store = try KioskStore(path: path)
        try await store.markDelivered(try await store.pendingEvents(limit: 100), at: at)
        let report = try await store.purge(retentionDays: 1, now: Timestamp(unixSeconds: at.unixSeconds + 10 * 86400))
        #expect(report.eventsDeleted == 12)
        #expect(try await store.scalar("SELECT count(*) FROM outbox") == .integer(0))
        #expect(try await store.summary().lastSeq == 12)
        await store.close()

        let reopened = try KioskStore(path: path)
        #expect(try await reopened.appendEvent(type: "t", data: [0], occurredAt: at).seq == 13)
    }

    @Test func enqueueWorksWith100000PendingEvents() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let data = Array("{\"printer\":\"ok\",\"scanner\":\"ok\",\"backlog\":12}".utf8)
        for _ in 0..<10 {
            _ = try await store.appendEvents(
                Array(repeating: (type: "kiosk.health", data: data, occurredAt: at), count: 10_000))
        }
        let event = try await store.appendEvent(type: "kiosk.health", data: data, occurredAt: at)
        #expect(event.seq == 100_001)
        let first = try await store.pendingEvents(limit: 3)
        #expect(first.map(\.seq) == [1, 2, 3])
        let summary = try await store.summary()
        #expect(summary.pending == 100_001)
        #expect(summary.lastSeq == 100_001)

        // The pending query and the insert use indexes, not a scan of the table.
        let inspector = try Database(path: dir.file("kiosk.db"))
        let explain = try inspector.prepare(
            "EXPLAIN QUERY PLAN SELECT seq FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL ORDER BY seq LIMIT 100"
        )
        var plan: [String] = []
        try explain.forEachRow { plan.append($0.string(at: 3) ?? "") }
        // "SCAN … USING INDEX outbox_pending" walks the partial index: only pending rows.
        #expect(
            plan == ["SCAN outbox USING INDEX outbox_pending"]
                || plan == ["SCAN outbox USING COVERING INDEX outbox_pending"], "\(plan)")
    }
}
