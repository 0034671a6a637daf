import Foundation
import KioskDomain
import KioskSQLite
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite struct IntakeTests {
    struct PrinterNotReady: Error, Equatable {}
    let receivedAt = Fixtures.time("2026-11-21T09:15:02+07:00")

    private func count(_ store: KioskStore, _ table: String) async throws -> Int64? {
        try await store.scalar("SELECT count(*) FROM \(table)")?.integer
    }

    @Test func intakeWritesDossierEventAndJobTogether() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"), now: { Fixtures.time("2026-11-21T09:15:03+07:00") })
        let record = try await Fixtures.intake(store, receivedAt: receivedAt)
        let code = Fixtures.code(day: receivedAt.localDay, sequence: 1)
        #expect(record.dossier.code == code)
        #expect(record.event.type == "dossier.received")
        #expect(record.event.occurredAt == receivedAt)
        #expect(record.event.seq == 1)
        #expect(record.printJob.dossierCode == code)
        #expect(record.printJob.createdAt == Fixtures.time("2026-11-21T09:15:03+07:00"))

        // All three are in the file, read back through a fresh store.
        await store.close()
        let reopened = try KioskStore(path: dir.file("kiosk.db"))
        #expect(try await reopened.dossier(code: code) == Fixtures.dossier(code: code, receivedAt: receivedAt))
        let pending = try await reopened.pendingEvents(limit: 10)
        #expect(pending == [record.event])
        #expect(pending.first?.data == Fixtures.eventData(code: code))  // byte for byte
        #expect(try await reopened.pendingPrintJobs() == [record.printJob])
        #expect(try await reopened.dossier(code: "YBVY01-2026-11-21-9999-K") == nil)
    }

    @Test func throwingBuilderWritesNothing() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let receivedAt = self.receivedAt
        await #expect(throws: PrinterNotReady.self) {
            _ = try await store.recordIntake(day: receivedAt.localDay) { _ in throw PrinterNotReady() }
        }
        for table in ["dossiers", "outbox", "print_jobs", "daily_sequence"] {
            #expect(try await count(store, table) == 0, "\(table)")
        }
        // The sequence number was not used up, and seq has no gap.
        let record = try await Fixtures.intake(store, receivedAt: receivedAt)
        #expect(record.dossier.code == Fixtures.code(day: receivedAt.localDay, sequence: 1))
        #expect(record.event.seq == 1)
    }

    @Test func failingWriteAfterTheDossierRollsEverythingBack() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let first = try await Fixtures.intake(store, receivedAt: receivedAt)
        // Same code again: the dossier insert fails; the sequence bump before it is undone.
        let receivedAt = self.receivedAt
        do {
            _ = try await store.recordIntake(day: receivedAt.localDay) { _ in
                IntakeDraft(
                    dossier: first.dossier, eventData: [1],
                    printJob: PrintJobDraft(kind: "intake-receipt", payload: [2]))
            }
            Issue.record("duplicate dossier accepted")
        } catch let error as StoreError {
            #expect(error.kind == .duplicateDossier)
            #expect(error.description.contains(first.dossier.code))
            #expect(!error.description.contains(Fixtures.applicantName))
            #expect(!error.description.contains(Fixtures.idNumber))
        }
        #expect(try await count(store, "dossiers") == 1)
        #expect(try await count(store, "outbox") == 1)
        #expect(try await count(store, "print_jobs") == 1)
        #expect(
            try await store.nextIntakeNumbers(day: receivedAt.localDay, registerBook: "2026").sequence == 2)
    }

    @Test func dailySequenceCountsPerDay() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let day1 = receivedAt
        let day2 = Timestamp(unixSeconds: receivedAt.unixSeconds + 86400)
        var sequences: [String] = []
        for time in [day1, day1, day1, day2, day2, day1] {
            let record = try await Fixtures.intake(store, receivedAt: time)
            sequences.append(record.dossier.code)
        }
        #expect(
            sequences == [
                Fixtures.code(day: day1.localDay, sequence: 1), Fixtures.code(day: day1.localDay, sequence: 2),
                Fixtures.code(day: day1.localDay, sequence: 3), Fixtures.code(day: day2.localDay, sequence: 1),
                Fixtures.code(day: day2.localDay, sequence: 2), Fixtures.code(day: day1.localDay, sequence: 4),
            ])
    }

    @Test func postalItemAndReturnWriteTheirEvents() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let record = try await Fixtures.intake(store, receivedAt: receivedAt)
        let code = record.dossier.code
        let attached = try await store.attachPostalItem(
            code: code, postalItem: "EA123456785VN", eventData: Array("{\"postalItem\":\"EA123456785VN\"}".utf8),
            occurredAt: receivedAt)
        #expect(attached.type == "dossier.postal-item-attached")
        #expect(attached.seq == 2)
        #expect(try await store.dossier(code: code)?.postalItem == "EA123456785VN")

        let returnedAt = Fixtures.time("2026-11-28T10:00:00+07:00")
        let (returned, slip) = try await store.recordReturn(
            code: code, returnedAt: returnedAt, eventData: [9],
            printJob: PrintJobDraft(kind: "hand-back-slip", payload: [7]))
        #expect(returned.type == "dossier.returned")
        #expect(returned.occurredAt == returnedAt)
        #expect(slip.kind == "hand-back-slip" && slip.dossierCode == code)
        #expect(
            try await store.pendingEvents(limit: 10).map(\.type) == [
                "dossier.received", "dossier.postal-item-attached", "dossier.returned",
            ])
        #expect(try await store.scalar("SELECT returned_at FROM dossiers") == .text("2026-11-28T10:00:00+07:00"))

        // Unknown code: a clear error, nothing written.
        await #expect {
            _ = try await store.attachPostalItem(
                code: "NOPE", postalItem: "EA123456785VN", eventData: [], occurredAt: returnedAt)
        } throws: { error in
            let error = error as? StoreError
            return error?.kind == .unknownDossier && error?.description.contains("NOPE") == true
        }
        await #expect {
            _ = try await store.recordReturn(
                code: "NOPE", returnedAt: returnedAt, eventData: [], printJob: PrintJobDraft(kind: "k", payload: []))
        } throws: { ($0 as? StoreError)?.kind == .unknownDossier }
        #expect(try await count(store, "outbox") == 3)
        #expect(try await count(store, "print_jobs") == 2)
    }

    @Test func printJobsQueueAttemptAndComplete() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let a = try await store.enqueuePrintJob(PrintJobDraft(kind: "test-page", payload: [1, 2]), dossierCode: nil)
        let b = try await store.enqueuePrintJob(PrintJobDraft(kind: "status-slip", payload: []), dossierCode: nil)
        #expect(try await store.pendingPrintJobs().map(\.id) == [a.id, b.id])
        try await store.recordPrintAttempt(id: a.id)
        try await store.recordPrintAttempt(id: a.id)
        #expect(try await store.pendingPrintJobs().first?.attempts == 2)
        try await store.completePrintJob(id: a.id)
        try await store.completePrintJob(id: a.id)  // idempotent
        #expect(try await store.pendingPrintJobs() == [b])
        await #expect { try await store.recordPrintAttempt(id: a.id) } throws: {
            ($0 as? StoreError)?.kind == .unknownPrintJob
        }
        await #expect {
            _ = try await store.enqueuePrintJob(PrintJobDraft(kind: "status-slip", payload: []), dossierCode: "NOPE")
        } throws: { ($0 as? StoreError)?.kind == .unknownDossier }
    }
}
