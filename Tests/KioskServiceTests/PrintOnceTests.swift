import ESCPOS
import Foundation
import KioskDevices
import KioskDomain
import KioskReceipts
import KioskSQLite
import KioskService
import KioskStore
import KioskTestRigs
import Synchronization
import Testing

/// Print-once across crashes: a crashed run is played by a store opened on the same file,
/// left with a job at the step the crash interrupted, then closed; the queue over a new
/// opening (a new session, as a restarted kioskd) must do what docs/print-once.md says.
@Suite("Print once across crashes")
struct PrintOnceTests {
    private func receiptDraft(_ profile: PrinterProfile) -> PrintJobDraft {
        PrintJobDraft(kind: "intake-receipt", payload: ESCPOSEncoder.encode(PrinterRig.receipt(), profile: profile))
    }

    /// A job left by a crashed run at `stage` (`sending` or `written`).
    private func crashedRunLeaves(_ rig: PrinterRig, stage: PrintJobStage, crashReprint: Bool = false) async throws
        -> Int64
    {
        let crashed = try rig.openStore()
        let job = try await crashed.enqueuePrintJob(receiptDraft(rig.profile), dossierCode: nil)
        try await crashed.recordPrintAttempt(id: job.id, reprint: crashReprint, afterCrash: crashReprint)
        if stage == .written { try await crashed.recordPrintWritten(id: job.id) }
        await crashed.close()
        return job.id
    }

    @Test("a receipt written whole before a crash is confirmed with the printer, not printed again")
    func writtenBeforeCrashIsNotReprinted() async throws {
        let rig = try PrinterRig()
        let id = try await crashedRunLeaves(rig, stage: .written)
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        let pass = await queue.printPending()
        #expect(pass.confirmedWithoutReprint == [id])
        #expect(pass.printed.isEmpty)
        #expect(try await store.allPrintJobs().isEmpty)
        #expect(rig.emulator.cutsReceived == 0)
        #expect(await queue.printPending() == PrintQueue.Pass())
        await store.close()
        await rig.shutDown()
    }

    @Test("written whole, but the printer reports paper out at restart: one marked copy when paper is back")
    func writtenThenPaperOutIsReprintedOnce() async throws {
        let rig = try PrinterRig()
        let id = try await crashedRunLeaves(rig, stage: .written)
        rig.emulator.update { $0.paperOut = true }
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        let whileOut = await queue.printPending()
        #expect(whileOut.confirmedWithoutReprint.isEmpty)
        #expect(try await store.pendingPrintJobs().map(\.stage) == [.queued])
        rig.emulator.update { $0.paperOut = false }
        let back = await queue.printPending()
        #expect(back.reprinted == [id])
        let receipts = await rig.emulator.waitForReceipts(count: 1)
        #expect(receipts.filter(\.isCut).count == 1)
        #expect(receipts.first?.rendered.textLines.first?.contains(ReprintBanner.title) == true)
        #expect(await queue.printPending().printed.isEmpty)
        await store.close()
        await rig.shutDown()
    }

    @Test("interrupted while sending: printed once more, marked; a crash during that reprint holds the job")
    func sendingIsReprintedOnceThenHeld() async throws {
        let rig = try PrinterRig()
        let first = try await crashedRunLeaves(rig, stage: .sending)
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        let pass = await queue.printPending()
        #expect(pass.reprinted == [first])
        await store.close()
        // Another job whose crash reprint was itself interrupted by a crash.
        let second = try await crashedRunLeaves(rig, stage: .sending, crashReprint: true)
        let restarted = try rig.openStore()
        let again = PrintQueue(store: restarted, link: rig.link, profile: rig.profile)
        let held = await again.printPending()
        #expect(held.held == [second])
        #expect(held.printed.isEmpty)
        let kept = try await restarted.heldPrintJobs()
        #expect(kept.map(\.id) == [second])
        #expect(kept.first?.heldReason?.contains("kioskctl reprint") == true)
        #expect(await again.printPending().printed.isEmpty)
        #expect(rig.emulator.cutsReceived == 1)
        await restarted.close()
        await rig.shutDown()
    }

    @Test("unplugged right after a receipt went out whole: confirmed when it is back, not printed again")
    func unpluggedAfterTheJobIsNotReprinted() async throws {
        // A job the flows accepted (claimed): the queue sends it without asking the printer
        // again, so the byte count below is the job's alone.
        let rig = try PrinterRig()
        #expect(await rig.link.status() == .ok)
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        let job = try await store.enqueuePrintJob(receiptDraft(rig.profile), dossierCode: nil, claimed: true)
        // Gone at the first byte after the receipt: the link's check after the job.
        rig.emulator.update { $0.vanishAfterBytes = job.payload.count + 1 }
        let first = await queue.printPending()
        #expect(first.printed.isEmpty)
        #expect(try await store.pendingPrintJobs().map(\.stage) == [.written])
        await rig.emulator.comeBack()
        var back = PrintQueue.Pass()
        let deadline = ContinuousClock.now + .seconds(30)
        while back.confirmedWithoutReprint.isEmpty, ContinuousClock.now < deadline {
            back = await queue.printPending()
            if back.confirmedWithoutReprint.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(back.confirmedWithoutReprint == [job.id])
        #expect(back.printed.isEmpty)
        #expect(rig.emulator.cutsReceived == 1)
        #expect(try await store.allPrintJobs().isEmpty)
        await store.close()
        await rig.shutDown()
    }

    @Test("a copy the printer confirmed is not printed again when recording it fails (a full disk)")
    func failedRecordDoesNotReprint() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        let job = try await store.enqueuePrintJob(receiptDraft(rig.profile), dossierCode: nil)
        // Every later step of the row fails, as on a full disk.
        let db = try Database(path: rig.folder + "/kiosk.sqlite")
        try db.execute(
            "CREATE TRIGGER full_disk_written BEFORE UPDATE OF stage ON print_jobs WHEN NEW.stage = 'written'"
                + " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"
                + " CREATE TRIGGER full_disk_delete BEFORE DELETE ON print_jobs"
                + " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;")
        let first = await queue.printPending()
        #expect(first.stoppedBecause?.contains("full") == true)
        #expect(await queue.printPending().printed.isEmpty)
        #expect(rig.emulator.cutsReceived == 1)
        #expect(try await store.pendingPrintJobs().map(\.stage) == [.sending])
        // Room again: the job is completed, still without another copy.
        try db.execute("DROP TRIGGER full_disk_written; DROP TRIGGER full_disk_delete;")
        db.close()
        _ = await queue.printPending()
        #expect(try await store.allPrintJobs().isEmpty)
        #expect(rig.emulator.cutsReceived == 1)
        _ = job
        await store.close()
        await rig.shutDown()
    }

    @Test("a job whose copies keep failing is held with its reason after three, not printed in a loop")
    func keepsFailingIsHeld() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile, maximumAttempts: 3)
        let job = try await store.enqueuePrintJob(receiptDraft(rig.profile), dossierCode: nil)
        for _ in 0..<3 {
            rig.emulator.update {
                $0.paperOut = false
                $0.paperOutAfterBytes = job.payload.count / 2
            }
            let pass = await queue.printPending()
            #expect(pass.printed.isEmpty)
        }
        rig.emulator.update { $0.paperOut = false }
        #expect(try await store.pendingPrintJobs().isEmpty)
        let held = try await store.heldPrintJobs()
        #expect(held.map(\.id) == [job.id])
        #expect(held.first?.heldReason?.contains("3 copies") == true)
        let received = rig.emulator.bytesReceived
        #expect(await queue.printPending().printed.isEmpty)
        #expect(rig.emulator.bytesReceived == received)
        // A technician releases it (the control socket's `release`, which claims it for this
        // run): it prints once more, marked.
        #expect(try await store.claimHeldPrintJob(id: job.id)?.reprint == true)
        #expect(await queue.printPending().reprinted == [job.id])
        await store.close()
        await rig.shutDown()
    }

    @Test("a job claimed by its own transaction prints as the first copy, unmarked")
    func claimedJobPrintsAsFirstCopy() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        let receivedAt = Timestamp(rfc3339: "2026-11-21T09:15:00+07:00")!
        let payload = receiptDraft(rig.profile).payload
        let record = try await store.recordIntake(day: receivedAt.localDay, claimingReceipt: true) { sequence in
            let dossier = Dossier(
                code: "YBVY01-261121-\(sequence)-K", procedure: ProcedureRef(code: "1.001234", name: "Thủ tục"),
                applicant: Applicant(
                    idNumber: "001094012345", name: "Nguyễn Bá Hoàng", birthDate: nil, gender: "Nam", address: "Yên Bái"
                ),
                receivedAt: receivedAt, dueDate: CalendarDay(iso: "2026-11-28")!, feeVND: 0, delivery: .counter,
                office: "Bưu điện huyện Văn Yên")
            return IntakeDraft(
                dossier: dossier, eventData: Array("{}".utf8),
                printJob: PrintJobDraft(kind: "intake-receipt", payload: payload))
        }
        #expect(record.printJob.stage == .sending)
        #expect(record.printJob.attempts == 1)
        #expect(try await store.pendingPrintJobs() == [record.printJob])
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        let pass = await queue.printPending()
        #expect(pass.printed == [record.printJob.id])
        #expect(pass.reprinted.isEmpty)
        let receipts = await rig.emulator.waitForReceipts(count: 1)
        #expect(receipts.first?.text.contains(ReprintBanner.title) == false)
        await store.close()
        await rig.shutDown()
    }

    @Test("a reprint asked for by a technician has exactly one banner, however late it prints")
    func markedReprintHasOneBanner() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        // Created long ago by the queue's clock: late as well as marked.
        let queue = PrintQueue(
            store: store, link: rig.link, profile: rig.profile, now: { wallClockSecondsForTests() + 3600 })
        var draft = receiptDraft(rig.profile)
        draft.kind = "intake-receipt-reprint"
        draft.markedReprint = true
        _ = try await store.enqueuePrintJob(draft, dossierCode: nil)
        #expect(await queue.printPending().reprinted.count == 1)
        let receipt = try #require(await rig.emulator.waitForReceipts(count: 1).first)
        #expect(receipt.rendered.textLines.filter { $0.contains(ReprintBanner.title) }.count == 1)
        await store.close()
        await rig.shutDown()
    }

    @Test("a status slip that could not print in time is dropped, not printed for whoever stands there later")
    func lateSlipIsDropped() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        let queue = PrintQueue(
            store: store, link: rig.link, profile: rig.profile, now: { wallClockSecondsForTests() + 3600 })
        let slip = try await store.enqueuePrintJob(
            PrintJobDraft(kind: "status-slip", payload: receiptDraft(rig.profile).payload), dossierCode: nil)
        let pass = await queue.printPending()
        #expect(pass.dropped == [slip.id])
        #expect(try await store.allPrintJobs().isEmpty)
        #expect(rig.emulator.cutsReceived == 0)
        await store.close()
        await rig.shutDown()
    }
}

func wallClockSecondsForTests() -> Int64 { Int64(Date().timeIntervalSince1970) }
