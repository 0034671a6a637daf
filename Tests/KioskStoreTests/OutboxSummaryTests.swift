import Foundation
import KioskDomain
import KioskSQLite
import KioskTestSupport
import Testing

@testable import KioskStore

/// The summary's counts are counters kept by triggers (schema version 5): after any mix of
/// operations they equal a full count of the table.
@Suite struct OutboxSummaryTests {
    let at = Fixtures.time("2026-11-21T09:15:02+07:00")

    @Test(arguments: [UInt64(1), 2, 3])
    func countersEqualAFullCountAfterRandomOperations(seed: UInt64) async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("kiosk.db")
        let store = try KioskStore(path: path, now: { Fixtures.time("2026-11-21T09:15:02+07:00") })
        var random = SplitMix64(seed: seed)
        var ids: [String] = []
        for step in 0..<400 {
            switch random.next() % 12 {
            case 0..<3:
                ids.append(try await store.appendEvent(type: "kiosk.health", data: [1], occurredAt: at).id)
            case 3:
                let events = try await store.appendEvents(
                    Array(repeating: (type: "kiosk.health", data: [UInt8](), occurredAt: at), count: 5))
                ids += events.map(\.id)
            case 4:
                let day = Timestamp(unixSeconds: at.unixSeconds + Int64(step) * 3600, offsetSeconds: 7 * 3600)
                ids.append(try await Fixtures.intake(store, receivedAt: day).event.id)
            case 5..<7 where !ids.isEmpty:
                // Any ids: pending, dead, already delivered, purged.
                let batch = (0..<(1 + random.next() % 6)).map { _ in ids[Int(random.next() % UInt64(ids.count))] }
                try await store.markDelivered(ids: batch, at: at)
            case 7 where !ids.isEmpty:
                try await store.recordFailedAttempt(
                    ids: [ids[Int(random.next() % UInt64(ids.count))]], error: "HTTP 503", nextAttemptAt: at)
            case 8:
                if let event = try await store.pendingEvents(limit: 50).randomElement(using: &random) {
                    try await store.moveToDeadLetters(id: event.id, reason: "rejected", at: at)
                }
            case 9:
                if let letter = try await store.deadLetters(limit: 50).randomElement(using: &random) {
                    if random.next() % 2 == 0 {
                        _ = try await store.requeue(id: letter.event.id)
                    } else {
                        // A second connection, while the first is open: the counters are the
                        // database's (triggers), not one connection's.
                        let tool = try KioskStore(path: path)
                        _ = try await tool.requeue(id: letter.event.id)
                        await tool.close()
                    }
                }
            case 10:
                _ = try await store.purge(
                    retentionDays: Int(random.next() % 3),
                    now: Timestamp(unixSeconds: at.unixSeconds + Int64(step) * 3600, offsetSeconds: 7 * 3600))
            default:
                break
            }
            if step % 20 == 19 { try await expectExact(store) }
        }
        try await expectExact(store)
        await store.close()
    }

    private func expectExact(_ store: KioskStore) async throws {
        let counted = try await store.countedByScan()
        let summary = try await store.summary()
        #expect(summary.pending == counted.pending)
        #expect(summary.deadLetters == counted.dead)
        #expect(summary.delivered == counted.delivered)
        #expect(summary.lastSeq == counted.lastSeq)
        #expect(summary.oldestPendingAt == counted.oldestPendingAt)
    }
}

extension KioskStore {
    /// The summary's figures counted the slow way: every row of the table, no index.
    fileprivate func countedByScan() throws -> (
        pending: Int, dead: Int, delivered: Int, lastSeq: Int64, oldestPendingAt: Timestamp?
    ) {
        let db = try openDatabase("counting the outbox for a check")
        func count(_ condition: String) throws -> Int {
            Int(try db.scalar("SELECT count(*) FROM outbox NOT INDEXED WHERE \(condition)")?.integer ?? -1)
        }
        let oldest = try db.scalar(
            "SELECT occurred_at FROM outbox NOT INDEXED WHERE delivered_at IS NULL AND dead_at IS NULL"
                + " ORDER BY seq LIMIT 1")
        return (
            try count("delivered_at IS NULL AND dead_at IS NULL"), try count("dead_at IS NOT NULL"),
            try count("delivered_at IS NOT NULL"),
            try db.scalar("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'")?.integer ?? 0,
            oldest?.text.flatMap { Timestamp(rfc3339: $0) }
        )
    }
}
