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
        #expect(Schema.currentVersion == 6)
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
        #expect(try await store.scalar("PRAGMA user_version") == .integer(6))
        #expect(try await store.scalar("PRAGMA integrity_check") == .text("ok"))
        var summary = try await store.summary()
        #expect(summary.pending == 2 && summary.deadLetters == 2 && summary.delivered == 3 && summary.lastSeq == 7)
        #expect(try await store.pendingEvents(limit: 10).map(\.seq) == [2, 5])
        #expect(try await store.pendingPrintJobs().map(\.stage) == [.written])

        // The triggers keep them from here on; the seq after the purged one is not reused.
        let next = try await store.appendEvent(type: "kiosk.health", data: [8], occurredAt: at)
        #expect(next.seq == 8)
        try await store.markDelivered(try await store.pendingEvents(limit: 10).filter { $0.seq == 5 }, at: at)
        try await store.moveToDeadLetters(next, reason: "rejected", at: at)
        #expect(try await store.requeue(id: "00000000-0000-4000-8000-000000000003"))
        summary = try await store.summary()
        #expect(summary.pending == 2 && summary.deadLetters == 2 && summary.delivered == 4 && summary.lastSeq == 8)
        await store.close()
    }

    /// A file as version 5 of the store left it, built with the released migrations 1–5: a
    /// dossier of yesterday and two of today (with the day's and the register's numbers), their
    /// events and others, pending, delivered and dead, the highest `seq` purged away, and
    /// print jobs of two dossiers.
    private func versionFiveFile(in dir: TemporaryDirectory) throws -> String {
        let path = dir.file("kiosk.db")
        let db = try Database(path: path)
        try db.setPragma("auto_vacuum", "INCREMENTAL")
        try db.setPragma("journal_mode", "WAL")
        try db.setPragma("foreign_keys", "ON")
        for version in 0..<5 {
            try db.transaction {
                try db.execute(Schema.migrations[version])
                try db.setUserVersion(version + 1)
            }
        }
        try db.transaction {
            let old = Timestamp(unixSeconds: at.unixSeconds - 40 * 86400, offsetSeconds: 7 * 3600)
            for (code, time) in [
                ("YBVY01-261011-0001-K", old), ("YBVY01-261121-0001-K", at), ("YBVY01-261121-0002-K", at),
            ] {
                try db.execute(
                    "INSERT INTO dossiers (code, procedure_code, procedure_name, applicant_id_number, applicant_name,"
                        + " received_at, received_unix, due_date, fee_vnd, delivery_method, office)"
                        + " VALUES (?, '1.001234', 'Cấp Phiếu lý lịch tư pháp', '001094012345', 'Nguyễn Bá Hoàng',"
                        + " ?, ?, '2026-11-28', 200000, 'counter', 'Bưu điện huyện Văn Yên')",
                    [.text(code), .text(time.description), .integer(time.unixSeconds)])
            }
            try db.execute(
                "INSERT INTO daily_sequence (day, last_value) VALUES ('2026-10-11', 1), ('2026-11-21', 2)")
            try db.execute("INSERT INTO intake_register (book, last_number) VALUES ('2026', 3)")
            // seq, delivered, dead, dossier
            let oldEvents = Timestamp(unixSeconds: at.unixSeconds - 39 * 86400, offsetSeconds: 7 * 3600)
            let rows: [(Int64, Bool, Bool, String?)] = [
                (1, true, false, "YBVY01-261011-0001-K"), (2, true, false, "YBVY01-261011-0001-K"),
                (3, false, false, "YBVY01-261121-0001-K"), (4, false, true, "YBVY01-261121-0002-K"),
                (5, true, false, nil), (6, false, false, nil), (7, false, false, nil),
            ]
            for (seq, delivered, dead, dossier) in rows {
                let when = dossier == "YBVY01-261011-0001-K" ? oldEvents : at
                try db.execute(
                    "INSERT INTO outbox (seq, id, type, occurred_at, dossier_code, delivered_at, delivered_unix,"
                        + " dead_reason, dead_at) VALUES (?, ?, 'dossier.received', ?, ?, ?, ?, ?, ?)",
                    [
                        .integer(seq), .text("6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c1\(seq)"), .text(when.description),
                        SQLiteValue(dossier), delivered ? .text(when.description) : .null,
                        delivered ? .integer(when.unixSeconds) : .null, dead ? .text("rejected") : .null,
                        dead ? .text(at.description) : .null,
                    ])
                try db.execute(
                    "INSERT INTO outbox_data (seq, data) VALUES (?, ?)", [.integer(seq), .blob([UInt8(seq)])])
            }
            try db.execute("DELETE FROM outbox WHERE seq = 7")
            for (code, stage) in [("YBVY01-261011-0001-K", "held"), ("YBVY01-261121-0001-K", "written")] {
                try db.execute(
                    "INSERT INTO print_jobs (kind, payload, dossier_code, created_at, stage) VALUES"
                        + " ('intake-receipt', x'1b40', ?, ?, ?)", [.text(code), .text(at.description), .text(stage)])
            }
        }
        db.close()
        return path
    }

    @Test func versionFiveFileKeepsEveryEventIdNumberAndJob() async throws {
        let dir = try TemporaryDirectory()
        let path = try versionFiveFile(in: dir)
        let store = try KioskStore(path: path, now: { Fixtures.time("2026-11-21T09:20:00+07:00") })
        #expect(store.recovery == nil)
        #expect(try await store.scalar("PRAGMA user_version") == .integer(6))
        #expect(try await store.scalar("PRAGMA integrity_check") == .text("ok"))
        #expect(try await store.scalar("SELECT count(*) FROM pragma_foreign_key_check") == .integer(0))
        // The indexes an intake no longer writes are gone; the dead letters' ids are indexed.
        for gone in ["sqlite_autoindex_outbox_1", "outbox_by_dossier", "print_jobs_by_dossier", "outbox_v6"] {
            #expect(try await store.scalar("SELECT count(*) FROM sqlite_schema WHERE name = '\(gone)'") == .integer(0))
        }
        #expect(
            try await store.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'outbox_dead_by_id'")
                == .integer(1))

        // Every event, with the same id text, seq, state and data; the counters as before.
        var summary = try await store.summary()
        #expect(summary.pending == 2 && summary.deadLetters == 1 && summary.delivered == 3 && summary.lastSeq == 7)
        let pending = try await store.pendingEvents(limit: 10)
        #expect(pending.map(\.seq) == [3, 6])
        #expect(pending.map(\.id) == ["6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c13", "6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c16"])
        #expect(pending.map(\.data) == [[3], [6]])
        #expect(try await store.deadLetters(limit: 10).map(\.event.id) == ["6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c14"])
        // Each dossier lists its events.
        #expect(
            try await store.scalar("SELECT event_seqs FROM dossiers WHERE code = 'YBVY01-261011-0001-K'")
                == .text("[1,2]"))
        #expect(
            try await store.scalar("SELECT event_seqs FROM dossiers WHERE code = 'YBVY01-261121-0002-K'")
                == .text("[4]"))
        #expect(try await store.pendingPrintJobs().map(\.stage) == [.written])
        #expect(try await store.heldPrintJobs().count == 1)

        // The numbers go on from the tables they were in; the purged seq is not reused.
        let numbers = try await store.nextIntakeNumbers(day: at.localDay, registerBook: "2026")
        #expect(numbers.sequence == 3 && numbers.register.number == 4)
        let code = "YBVY01-261121-0003-K"
        let record = try #require(
            try await store.recordIntake(
                prepared: IntakeDraft(
                    dossier: Fixtures.dossier(code: code, receivedAt: at), eventData: [8],
                    printJob: PrintJobDraft(kind: "intake-receipt", payload: [0x1b, 0x40])),
                numbers: numbers, claimingReceipt: true))
        #expect(record.event.seq == 8)
        #expect(record.dossier.register == RegisterEntry(book: "2026", number: 4))
        #expect(try await store.scalar("SELECT event_seqs FROM dossiers WHERE code = '\(code)'") == .text("[8]"))
        let after = try await store.nextIntakeNumbers(day: at.localDay, registerBook: "2026")
        #expect(after == numbers.next)
        // An earlier day continues from its archived number.
        let earlier = try await store.nextIntakeNumbers(day: CalendarDay(iso: "2026-10-11")!, registerBook: "2026")
        #expect(earlier.sequence == 2)

        // Forwarding, dead letters and requeue work on the migrated rows.
        try await store.markDelivered(pending, at: at)
        #expect(try await store.requeue(id: "6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c14"))
        #expect(try await store.requeue(id: "6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c14") == false)
        summary = try await store.summary()
        #expect(summary.pending == 2 && summary.deadLetters == 0 && summary.delivered == 5 && summary.lastSeq == 8)

        // The purge finds the 40-day-old dossier's events through its list,
        // and its held receipt through the print queue.
        let report = try await store.purge(retentionDays: 30, now: at)
        #expect(report.dossiersScrubbed == 1)
        #expect(report.eventsDeleted == 2)
        #expect(try await store.heldPrintJobs().isEmpty)
        #expect(
            try await store.scalar("SELECT applicant_name FROM dossiers WHERE code = 'YBVY01-261011-0001-K'") == .null)
        #expect(try await store.scalar("PRAGMA integrity_check") == .text("ok"))
        await store.close()
    }

    @Test func purgedEventsTakeTheirDataWithThem() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let old = try await store.appendEvent(type: "kiosk.health", data: Array(#"{"old":true}"#.utf8), occurredAt: at)
        let kept = try await store.appendEvent(
            type: "kiosk.health", data: Array(#"{"kept":true}"#.utf8), occurredAt: at)
        try await store.markDelivered([old], at: at)
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
