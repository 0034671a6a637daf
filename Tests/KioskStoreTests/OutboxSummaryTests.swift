import Foundation
import KioskDomain
import KioskSQLite
import KioskTestSupport
import Testing

@testable import KioskStore

/// The summary's counts are counters kept by triggers (schema version 5): after any mix of
/// operations they equal a full count of the table. The same workload checks what schema
/// version 6 keeps instead of indexes: each dossier's list of its events (`event_seqs`) and
/// the intake numbers kept beside the counters.
@Suite struct OutboxSummaryTests {
    let at = Fixtures.time("2026-11-21T09:15:02+07:00")

    @Test(arguments: [UInt64(1), 2, 3])
    func countersEqualAFullCountAfterRandomOperations(seed: UInt64) async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("kiosk.db")
        let store = try KioskStore(path: path, now: { Fixtures.time("2026-11-21T09:15:02+07:00") })
        var random = SplitMix64(seed: seed)
        var events: [OutboxEvent] = []
        var codes: [String] = []
        /// Intakes recorded per day and per register book: the numbers taken must be 1…n.
        var perDay: [CalendarDay: Int] = [:]
        var perBook: [String: Int] = [:]
        for step in 0..<400 {
            switch random.next() % 12 {
            case 0..<3:
                events.append(try await store.appendEvent(type: "kiosk.health", data: [1], occurredAt: at))
            case 3:
                events += try await store.appendEvents(
                    Array(repeating: (type: "kiosk.health", data: [UInt8](), occurredAt: at), count: 5))
            case 4:
                // Mostly today's hour; one time in four an earlier day (a clock set back), so a
                // day's numbers continue from where it left them.
                let hours = random.next() % 4 == 0 ? Int64(random.next() % UInt64(step + 1)) : Int64(step)
                let time = Timestamp(unixSeconds: at.unixSeconds + hours * 3600, offsetSeconds: 7 * 3600)
                let day = time.localDay
                let book = random.next() % 3 == 0 ? "2027" : "2026"
                let record = try await store.recordIntake(day: day, registerBook: book) { sequence, _ in
                    let code = Fixtures.code(day: day, sequence: sequence)
                    return IntakeDraft(
                        dossier: Fixtures.dossier(code: code, receivedAt: time),
                        eventData: Fixtures.eventData(code: code),
                        printJob: PrintJobDraft(kind: "intake-receipt", payload: [0x1b, 0x40]))
                }
                perDay[day, default: 0] += 1
                perBook[book, default: 0] += 1
                #expect(record.dossier.register?.number == perBook[book])
                events.append(record.event)
                codes.append(record.dossier.code)
            case 5..<7 where !events.isEmpty:
                // Any events: pending, dead, already delivered, purged.
                let batch = (0..<(1 + random.next() % 6)).map { _ in
                    events[Int(random.next() % UInt64(events.count))]
                }
                try await store.markDelivered(batch, at: at)
            case 7 where !events.isEmpty:
                try await store.recordFailedAttempt(
                    [events[Int(random.next() % UInt64(events.count))]], error: "HTTP 503", nextAttemptAt: at)
            case 8:
                if let event = try await store.pendingEvents(limit: 50).randomElement(using: &random) {
                    try await store.moveToDeadLetters(event, reason: "rejected", at: at)
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
            case 11 where !codes.isEmpty:
                // A later event of a dossier, listed in its row too.
                let code = codes[Int(random.next() % UInt64(codes.count))]
                events.append(
                    try await store.attachPostalItem(
                        code: code, postalItem: "EE123456785VN", eventData: [2], occurredAt: at))
            default:
                break
            }
            if step % 20 == 19 { try await expectExact(store) }
        }
        try await expectExact(store)
        for (day, count) in perDay {
            #expect(try await store.nextIntakeNumbers(day: day, registerBook: "2026").sequence == count + 1)
        }
        for (book, count) in perBook {
            #expect(
                try await store.nextIntakeNumbers(day: at.localDay, registerBook: book).register.number == count + 1)
        }
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
        // Every event of a dossier is in its dossier's list, and the list names no other
        // dossier's event (a purged event may stay listed: it was delivered).
        #expect(
            try await store.scalar(
                "SELECT count(*) FROM outbox AS o WHERE o.dossier_code IS NOT NULL AND NOT EXISTS"
                    + " (SELECT 1 FROM dossiers AS d, json_each(d.event_seqs) AS e"
                    + " WHERE d.code = o.dossier_code AND e.value = o.seq)") == .integer(0))
        #expect(
            try await store.scalar(
                "SELECT count(*) FROM dossiers AS d, json_each(d.event_seqs) AS e JOIN outbox AS o ON o.seq = e.value"
                    + " WHERE o.dossier_code IS NOT d.code") == .integer(0))
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
