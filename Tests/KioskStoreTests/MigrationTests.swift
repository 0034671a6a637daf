import Foundation
import KioskDomain
import KioskSQLite
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite struct MigrationTests {
    let at = Fixtures.time("2026-11-21T09:15:02+07:00")

    /// A file as version 1 of the store wrote it: pending, delivered and dead events with
    /// their data in the `outbox` rows.
    private func versionOneFile(in dir: TemporaryDirectory) throws -> String {
        let path = dir.file("kiosk.db")
        let db = try Database(path: path)
        try db.setPragma("journal_mode", "WAL")
        try db.transaction {
            try db.execute(Schema.migrations[0])
            try db.setUserVersion(1)
        }
        let insert = try db.prepare(
            "INSERT INTO outbox (id, type, occurred_at, data, delivered_at, delivered_unix, dead_reason, dead_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        try insert.execute([
            .text("00000000-0000-4000-8000-000000000001"), .text("kiosk.health"), .text(at.description),
            .blob(Array(#"{"n":1}"#.utf8)), .text(at.description), .integer(at.unixSeconds), .null, .null,
        ])
        try insert.execute([
            .text("00000000-0000-4000-8000-000000000002"), .text("dossier.received"), .text(at.description),
            .blob(Array(#"{"code":"Nguyễn"}"#.utf8)), .null, .null, .text("unknown procedure"), .text(at.description),
        ])
        try insert.execute([
            .text("00000000-0000-4000-8000-000000000003"), .text("kiosk.health"), .text(at.description),
            .blob(Array(#"{"n":3}"#.utf8)), .null, .null, .null, .null,
        ])
        db.close()
        return path
    }

    @Test func versionOneOutboxMovesItsDataAndKeepsEveryEvent() async throws {
        let dir = try TemporaryDirectory()
        let path = try versionOneFile(in: dir)
        let store = try KioskStore(path: path)
        #expect(store.recovery == nil)
        #expect(try await store.scalar("PRAGMA user_version") == .integer(Int64(Schema.currentVersion)))
        #expect(Schema.currentVersion == 5)
        // The wide column is gone from the outbox; the data lives in outbox_data.
        #expect(
            try await store.scalar("SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'data'")
                == .integer(0))
        #expect(try await store.scalar("SELECT count(*) FROM outbox_data") == .integer(3))

        let pending = try await store.pendingEvents(limit: 10)
        #expect(pending.map(\.seq) == [3])
        #expect(pending.first?.data == Array(#"{"n":3}"#.utf8))
        let dead = try await store.deadLetters(limit: 10)
        #expect(dead.map(\.event.data) == [Array(#"{"code":"Nguyễn"}"#.utf8)])
        #expect(dead.first?.reason == "unknown procedure")
        let summary = try await store.summary()
        #expect(summary.pending == 1 && summary.deadLetters == 1 && summary.delivered == 1 && summary.lastSeq == 3)

        // New events continue the sequence, with their data beside them.
        let next = try await store.appendEvent(type: "kiosk.health", data: Array(#"{"n":4}"#.utf8), occurredAt: at)
        #expect(next.seq == 4)
        #expect(
            try await store.pendingEvents(limit: 10).map(\.data) == [Array(#"{"n":3}"#.utf8), Array(#"{"n":4}"#.utf8)])
        await store.close()
    }

    /// A file as version 4 of the store left it, built with the released migrations 1–4:
    /// two dossiers, events pending, delivered and dead (one both delivered and dead, which
    /// the old summary counted twice), a print job, and the highest `seq` purged away.
    private func versionFourFile(in dir: TemporaryDirectory) throws -> String {
        let path = dir.file("kiosk.db")
        let db = try Database(path: path)
        try db.setPragma("auto_vacuum", "INCREMENTAL")
        try db.setPragma("journal_mode", "WAL")
        for version in 0..<4 {
            try db.transaction {
                try db.execute(Schema.migrations[version])
                try db.setUserVersion(version + 1)
            }
        }
        try db.transaction {
            for code in ["YBVY01-261121-0001-K", "YBVY01-261121-0002-K"] {
                try db.execute(
                    "INSERT INTO dossiers (code, procedure_code, procedure_name, applicant_id_number, applicant_name,"
                        + " received_at, received_unix, due_date, fee_vnd, delivery_method, office)"
                        + " VALUES (?, '1.001234', 'Cấp Phiếu lý lịch tư pháp', '001094012345', 'Nguyễn Bá Hoàng',"
                        + " ?, ?, '2026-11-28', 200000, 'counter', 'Bưu điện huyện Văn Yên')",
                    [.text(code), .text(at.description), .integer(at.unixSeconds)])
            }
            // seq, delivered, dead, dossier
            let rows: [(Int64, Bool, Bool, String?)] = [
                (1, true, false, "YBVY01-261121-0001-K"), (2, false, false, "YBVY01-261121-0002-K"),
                (3, false, true, nil), (4, true, true, nil), (5, false, false, nil), (6, true, false, nil),
                (7, false, false, nil),
            ]
            for (seq, delivered, dead, dossier) in rows {
                try db.execute(
                    "INSERT INTO outbox (seq, id, type, occurred_at, dossier_code, delivered_at, delivered_unix,"
                        + " dead_reason, dead_at) VALUES (?, ?, 'kiosk.health', ?, ?, ?, ?, ?, ?)",
                    [
                        .integer(seq), .text("00000000-0000-4000-8000-00000000000\(seq)"), .text(at.description),
                        SQLiteValue(dossier), delivered ? .text(at.description) : .null,
                        delivered ? .integer(at.unixSeconds) : .null, dead ? .text("rejected") : .null,
                        dead ? .text(at.description) : .null,
                    ])
                try db.execute(
                    "INSERT INTO outbox_data (seq, data) VALUES (?, ?)", [.integer(seq), .blob([UInt8(seq)])])
            }
            try db.execute("DELETE FROM outbox WHERE seq = 7")
            try db.execute(
                "INSERT INTO print_jobs (kind, payload, dossier_code, created_at, stage) VALUES"
                    + " ('intake-receipt', x'1b40', 'YBVY01-261121-0002-K', ?, 'written')", [.text(at.description)])
        }
        db.close()
        return path
    }

    @Test func versionFourFileGetsCountersThatMatchItsRows() async throws {
        let dir = try TemporaryDirectory()
        let path = try versionFourFile(in: dir)
        let store = try KioskStore(path: path)
        #expect(store.recovery == nil)
        #expect(try await store.scalar("PRAGMA user_version") == .integer(5))
        #expect(try await store.scalar("PRAGMA integrity_check") == .text("ok"))
        var summary = try await store.summary()
        #expect(summary.pending == 2 && summary.deadLetters == 2 && summary.delivered == 3 && summary.lastSeq == 7)
        #expect(try await store.pendingEvents(limit: 10).map(\.seq) == [2, 5])
        #expect(try await store.pendingPrintJobs().map(\.stage) == [.written])

        // The triggers keep them from here on; the seq after the purged one is not reused.
        let next = try await store.appendEvent(type: "kiosk.health", data: [8], occurredAt: at)
        #expect(next.seq == 8)
        try await store.markDelivered(ids: ["00000000-0000-4000-8000-000000000005"], at: at)
        try await store.moveToDeadLetters(id: next.id, reason: "rejected", at: at)
        #expect(try await store.requeue(id: "00000000-0000-4000-8000-000000000003"))
        summary = try await store.summary()
        #expect(summary.pending == 2 && summary.deadLetters == 2 && summary.delivered == 4 && summary.lastSeq == 8)
        await store.close()
    }

    @Test func purgedEventsTakeTheirDataWithThem() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let old = try await store.appendEvent(type: "kiosk.health", data: Array(#"{"old":true}"#.utf8), occurredAt: at)
        let kept = try await store.appendEvent(
            type: "kiosk.health", data: Array(#"{"kept":true}"#.utf8), occurredAt: at)
        try await store.markDelivered(ids: [old.id], at: at)
        let report = try await store.purge(retentionDays: 30, now: Timestamp(unixSeconds: at.unixSeconds + 31 * 86400))
        #expect(report.eventsDeleted == 1)
        #expect(try await store.scalar("SELECT count(*) FROM outbox_data") == .integer(1))
        #expect(try await store.scalar("SELECT seq FROM outbox_data") == .integer(kept.seq))
        await store.close()
    }

    @Test func anEventWhoseDataRowIsMissingIsStillListed() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let event = try await store.appendEvent(type: "kiosk.health", data: Array(#"{"n":1}"#.utf8), occurredAt: at)
        _ = try await store.scalar("DELETE FROM outbox_data WHERE seq = \(event.seq) RETURNING seq")
        let pending = try await store.pendingEvents(limit: 10)
        #expect(pending.map(\.id) == [event.id])
        #expect(pending.first?.data == [])
        await store.close()
    }

    @Test func eventIdsAreLowercaseVersion4UUIDs() {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let id = EventID.random()
            let characters = Array(id)
            #expect(id.count == 36)
            #expect(UUID(uuidString: id) != nil)
            #expect(id == id.lowercased())
            #expect([8, 13, 18, 23].allSatisfy { characters[$0] == "-" })
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
            seen.insert(id)
        }
        #expect(seen.count == 2000)
    }
}
