import Foundation
import KioskDomain
import KioskSQLite
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite struct RetentionTests {
    let old = Fixtures.time("2026-08-01T09:00:00+07:00")
    let recent = Fixtures.time("2026-11-15T09:00:00+07:00")
    let now = Fixtures.time("2026-11-21T09:00:00+07:00")

    /// Every statement of a purge is an index search: none walks a table that grows with the
    /// kiosk's age (before, two steps were `SCAN dossiers`, every dossier ever recorded, twice
    /// every 6 hours). The walks left are of one dossier's list of events (`json_each`) and of
    /// the print queue (`print_jobs` holds only the jobs not yet printed, schema version 6).
    @Test func noPurgeStatementScansATable() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        for statement in KioskStore.purgeStatements {
            let plan = try await store.queryPlan(statement)
            #expect(!plan.isEmpty)
            #expect(
                plan.allSatisfy { !$0.hasPrefix("SCAN") || $0.contains("VIRTUAL TABLE") || $0 == "SCAN print_jobs" },
                "a purge step walks a table: \(plan) for \(statement)")
        }
        // The scrub walks the unpurged dossiers by reception time and looks each listed event
        // up by its seq.
        let scrub = try await store.queryPlan(KioskStore.scrubDueDossiers)
        #expect(scrub.contains { $0.contains("dossiers USING INDEX dossiers_unpurged_by_received") }, "\(scrub)")
        #expect(scrub.contains { $0.contains("outbox USING INTEGER PRIMARY KEY") }, "\(scrub)")
        let events = try await store.queryPlan(KioskStore.deleteDeliveredEventsOfDossier)
        #expect(events.contains { $0.contains("outbox USING INTEGER PRIMARY KEY") }, "\(events)")
        await store.close()
    }

    /// A dossier scrubbed by an earlier purge keeps a hand-back slip printed after it: only the
    /// dossiers falling due now lose their print jobs.
    @Test func aLaterPurgeLeavesJobsOfDossiersScrubbedBefore() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let intake = try await Fixtures.intake(store, receivedAt: old)
        try await store.markDelivered([intake.event], at: old)
        #expect(try await store.purge(retentionDays: 90, now: now).dossiersScrubbed == 1)
        let (event, slip) = try await store.recordReturn(
            code: intake.dossier.code, returnedAt: now, eventData: [1],
            printJob: PrintJobDraft(kind: "return-slip", payload: [0x1b, 0x40]))
        try await store.markDelivered([event], at: now)
        let report = try await store.purge(retentionDays: 90, now: now)
        #expect(report == PurgeReport(eventsDeleted: 0, dossiersScrubbed: 0))
        #expect(try await store.pendingPrintJobs().map(\.id) == [slip.id])
        await store.close()
    }

    @Test func purgeScrubsDeliveredDossiersAndDeletesOldDeliveredEvents() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("kiosk.db")
        let store = try KioskStore(path: path)
        let oldDelivered = try await Fixtures.intake(store, receivedAt: old)
        let oldPending = try await Fixtures.intake(store, receivedAt: Timestamp(unixSeconds: old.unixSeconds + 60))
        let recentDelivered = try await Fixtures.intake(store, receivedAt: recent)
        let healthOld = try await store.appendEvent(type: "kiosk.health", data: [1], occurredAt: old)
        let healthRecent = try await store.appendEvent(type: "kiosk.health", data: [2], occurredAt: recent)
        let healthPending = try await store.appendEvent(type: "kiosk.health", data: [3], occurredAt: old)
        try await store.completePrintJob(id: oldDelivered.printJob.id)

        try await store.markDelivered([oldDelivered.event, healthOld], at: old)
        try await store.markDelivered([recentDelivered.event, healthRecent], at: recent)

        let report = try await store.purge(retentionDays: 90, now: now)
        #expect(report == PurgeReport(eventsDeleted: 2, dossiersScrubbed: 1))

        // Scrubbed: personal fields empty, the rest kept.
        let scrubbed = try #require(try await store.dossier(code: oldDelivered.dossier.code))
        #expect(scrubbed.applicant.idNumber == "" && scrubbed.applicant.name == "" && scrubbed.applicant.address == "")
        #expect(scrubbed.applicant.birthDate == nil)
        #expect(scrubbed.delivery == .post(address: ""))
        #expect(scrubbed.procedure == oldDelivered.dossier.procedure)
        #expect(scrubbed.receivedAt == old)
        // Not scrubbed: its event is still pending; or too recent.
        #expect(try await store.dossier(code: oldPending.dossier.code) == oldPending.dossier)
        #expect(try await store.dossier(code: recentDelivered.dossier.code) == recentDelivered.dossier)

        // Pending events stay, whatever their age; recent deliveries stay.
        #expect(try await store.pendingEvents(limit: 10).map(\.id) == [oldPending.event.id, healthPending.id])
        let remaining = try await store.scalar("SELECT group_concat(seq) FROM (SELECT seq FROM outbox ORDER BY seq)")
        #expect(
            remaining
                == .text(
                    "\(oldPending.event.seq),\(recentDelivered.event.seq),\(healthRecent.seq),\(healthPending.seq)"))

        // A second purge finds nothing new.
        #expect(
            try await store.purge(retentionDays: 90, now: now) == PurgeReport(eventsDeleted: 0, dossiersScrubbed: 0))
        await store.close()

        // The erased name is nowhere in the file (secure_delete, vacuum, WAL checkpointed)
        // except in the dossiers that keep it.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let idBytes = Data(Fixtures.idNumber.utf8)
        var occurrences = 0
        var searchRange = bytes.startIndex..<bytes.endIndex
        while let found = bytes.range(of: idBytes, in: searchRange) {
            occurrences += 1
            searchRange = found.upperBound..<bytes.endIndex
        }
        // Two dossiers keep their ID number in their row and their event data: 4 copies.
        #expect(occurrences == 4)
    }

    @Test func fileStaysBoundedOverFillAndPurgeCycles() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let data = [UInt8](repeating: 0x42, count: 1000)
        var afterFill: [Int64] = []
        var afterPurge: [Int64] = []
        for cycle in 0..<5 {
            let at = Timestamp(unixSeconds: now.unixSeconds + Int64(cycle) * 86400)
            let events = try await store.appendEvents(
                Array(repeating: (type: "kiosk.health", data: data, occurredAt: at), count: 2000))
            try await store.markDelivered(events, at: at)
            afterFill.append(try #require(try await store.scalar("PRAGMA page_count")?.integer))
            _ = try await store.purge(retentionDays: 0, now: Timestamp(unixSeconds: at.unixSeconds + 1))
            afterPurge.append(try #require(try await store.scalar("PRAGMA page_count")?.integer))
        }
        for cycle in 0..<5 {
            #expect(afterPurge[cycle] < afterFill[cycle] / 10, "cycle \(cycle): \(afterFill) → \(afterPurge)")
        }
        #expect(afterPurge.max()! <= afterPurge[0] + 2, "\(afterPurge)")
        #expect(afterFill.max()! <= afterFill[0] + 20, "\(afterFill)")
        #expect(try await store.summary().lastSeq == 10_000)
        let walSize = try FileManager.default.attributesOfItem(atPath: dir.file("kiosk.db-wal"))[.size] as? Int
        #expect((walSize ?? 0) <= StoreFile.journalSizeLimit)
    }
}

@Suite struct RetentionArgumentTests {
    @Test func absurdRetentionPurgesNothingAndNegativeIsRefused() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let event = try await store.appendEvent(
            type: "t", data: [1], occurredAt: Fixtures.time("2026-11-21T09:00:00+07:00"))
        try await store.markDelivered([event], at: Fixtures.time("2026-11-21T09:00:00+07:00"))
        let now = Fixtures.time("2027-11-21T09:00:00+07:00")
        #expect(
            try await store.purge(retentionDays: Int.max, now: now)
                == PurgeReport(eventsDeleted: 0, dossiersScrubbed: 0))
        await #expect { _ = try await store.purge(retentionDays: -1, now: now) } throws: {
            ($0 as? StoreError)?.kind == .invalidArgument
        }
        #expect(try await store.purge(retentionDays: 90, now: now).eventsDeleted == 1)
    }
}

extension KioskStore {
    /// The `detail` lines of `EXPLAIN QUERY PLAN` for `sql` on the store's connection.
    func queryPlan(_ sql: String) throws -> [String] {
        let db = try openDatabase("explaining a query")
        var lines: [String] = []
        try db.prepare("EXPLAIN QUERY PLAN " + sql).forEachRow { lines.append($0.string(at: 3) ?? "") }
        return lines
    }
}
