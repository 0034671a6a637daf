import ESCPOS
import Foundation
import KioskControl
import KioskDevices
import KioskDomain
import KioskEmulators
import KioskReceipts
import KioskStore
import Testing

@testable import KioskService

/// One owner of "print or refuse" (issue 10): every print — scans and the control socket —
/// is decided by the flows on the printer's answer now. While the printer cannot print, each
/// is refused at once with the reason, nothing is written, and nothing prints later when the
/// printer is back. Proof that nothing was queued: the next print after the fault is cleared
/// comes out first (the queue prints in order).
@Suite("Print or refuse: one decision, refused now, never printed later", .serialized)
struct PrintOrRefuseTests {
    /// Once the printer is ready again, prints a test page and checks it is the only thing
    /// that came out: nothing refused earlier was kept for later.
    static func nothingPrintedLater(_ rig: PrintingFlowsRig) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while await rig.printer.link.status() != .ok, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let before = rig.emulator.receipts.count
        let cuts = rig.emulator.cutsReceived
        guard case .printing = await rig.flows.printTestPage() else {
            Issue.record("the test page was refused after the printer was ready again")
            return
        }
        let receipts = try await rig.receipts(before + 1)
        #expect(receipts.last?.text.contains("KIOSK TEST PAGE") == true)
        #expect(rig.emulator.receipts.count == before + 1)
        #expect(rig.emulator.cutsReceived == cuts + 1)
        #expect(try await rig.store.allPrintJobs().isEmpty)
    }

    @Test(
        "each fault refuses intake, lookup, hand-back, technician pages and control prints now, with the reason",
        arguments: ["paper out", "cover open", "offline", "not connected"])
    func faultRefusesEveryPrint(reason: String) async throws {
        let rig = try PrintingFlowsRig()
        let code = try #require(await rig.intake().code)
        _ = try await rig.receipts(1)
        _ = await rig.control()
        switch reason {
        case "paper out": rig.emulator.update { $0.paperOut = true }
        case "cover open": rig.emulator.update { $0.coverOpen = true }
        case "offline": rig.emulator.update { $0.answersStatus = false }
        default: await rig.emulator.vanish()
        }
        let refused = SessionRefusal.printerUnavailable(reason: reason)
        let outbox = try await rig.store.summary()

        // A citizen's intake: refused, nothing written.
        #expect(await rig.intake(card: PrintingFlowsRig.otherCard).outcome == .refused(refused))
        #expect(try await rig.events().map(\.type) == ["dossier.received"])
        #expect(try await rig.store.summary().lastSeq == outbox.lastSeq)
        // A lookup: refused now, not "printing".
        #expect(await rig.flows.handle(scan: code).outcome == .refused(refused))
        // The technician's codes.
        #expect(await rig.running.flows.handle(scan: "KIOSK:TEST-PAGE").outcome == .refused(refused))
        #expect(await rig.running.flows.handle(scan: "KIOSK:STATUS").outcome == .refused(refused))
        // A hand-back: refused, the dossier is not marked returned.
        _ = await rig.flows.handle(scan: "KIOSK:CLERK")
        _ = await rig.flows.handle(scan: code)
        #expect(await rig.flows.handle(scan: PrintingFlowsRig.card).outcome == .refused(refused))
        _ = await rig.flows.handle(scan: "KIOSK:CLERK")
        // The control socket's prints.
        let control = await rig.control()
        for answer in [
            await control.testPrint(), await control.reprint(code: code), await control.lookup(code: code, print: true),
        ] {
            #expect(answer.field("ok") == .bool(false))
            #expect(answer.field("error") == .string("printer-unavailable"))
            #expect(answer.field("message") == .string("printer cannot print: \(reason)"))
        }
        // A front end's intake.
        let intake = await control.intake(
            idCardQR: PrintingFlowsRig.otherCard, procedureCode: PrintingFlowsRig.procedure)
        #expect(intake.field("error") == .string("printer-unavailable"))
        #expect(intake.field("vietnamese") == .string(refused.vietnamese))
        #expect(try await rig.store.allPrintJobs().isEmpty)
        #expect(try await rig.events().map(\.type) == ["dossier.received"])

        switch reason {
        case "paper out": rig.emulator.update { $0.paperOut = false }
        case "cover open": rig.emulator.update { $0.coverOpen = false }
        case "offline": rig.emulator.update { $0.answersStatus = true }
        default: await rig.emulator.comeBack()
        }
        try await Self.nothingPrintedLater(rig)
        await rig.shutDown()
    }

    @Test("a slip the printer could not print whole is dropped, never printed when the paper is back")
    func slipCutShortIsDropped() async throws {
        let rig = try PrintingFlowsRig()
        let code = try #require(await rig.intake().code)
        _ = try await rig.receipts(1)
        // The paper runs out in the middle of the status slip.
        rig.emulator.update { $0.paperOutAfterBytes = 200 }
        let lookup = await rig.flows.handle(scan: code)
        let job = try #require(lookup.printJobId)
        let deadline = ContinuousClock.now + .seconds(60)
        while !rig.log.all.contains(where: { $0.contains("job=\(job) ") && $0.contains("outcome=\"dropped") }),
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(rig.log.all.contains { $0.contains("job=\(job) ") && $0.contains("outcome=\"dropped") })
        rig.emulator.update { $0.paperOut = false }
        try await Self.nothingPrintedLater(rig)
        await rig.shutDown()
    }

    @Test("a control-socket reprint prints exactly one reprint banner")
    func reprintHasOneBanner() async throws {
        let rig = try PrintingFlowsRig()
        let code = try #require(await rig.intake().code)
        _ = try await rig.receipts(1)
        let control = await rig.control()
        let answer = await control.reprint(code: code)
        #expect(answer.field("ok") == .bool(true))
        let reprint = try #require(try await rig.receipts(2).last)
        #expect(reprint.rendered.textLines.filter { $0.contains(ReprintBanner.title) }.count == 1)
        #expect(reprint.text.contains("Tiếp nhận hồ sơ của: \(PrintingFlowsRig.name)"))
        #expect(PrintingFlowsRig.code(reprint) == code)
        #expect(await control.reprint(code: "YBVY01-261123-9999-X").field("error") == .string("unknown-dossier"))
        await rig.shutDown()
    }

    @Test("a reprint the paper cut short prints once more when the paper is back, still with one banner")
    func reprintRetriedHasOneBanner() async throws {
        let rig = try PrintingFlowsRig()
        let code = try #require(await rig.intake().code)
        _ = try await rig.receipts(1)
        let control = await rig.control()
        rig.emulator.update { $0.paperOutAfterBytes = 300 }
        #expect(await control.reprint(code: code).field("ok") == .bool(true))
        // The torn first copy, then the job waits (a receipt is kept until it prints).
        let deadline = ContinuousClock.now + .seconds(60)
        while !rig.log.all.contains(where: {
            $0.contains("kind=intake-receipt-reprint") && $0.contains("fault after job")
        }),
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try await rig.store.allPrintJobs().map(\.kind) == ["intake-receipt-reprint"])
        let torn = rig.emulator.receipts.count
        rig.emulator.update { $0.paperOut = false }
        let again = try #require(try await rig.receipts(torn + 1).last)
        #expect(again.isCut)
        #expect(again.rendered.textLines.filter { $0.contains(ReprintBanner.title) }.count == 1)
        #expect(PrintingFlowsRig.code(again) == code)
        await rig.shutDown()
    }

    @Test("the control socket's test print and printed lookup never touch the citizen's session")
    func controlPrintsLeaveTheSessionAlone() async throws {
        let rig = try PrintingFlowsRig()
        let control = await rig.control()
        // A first citizen's dossier, taken in through the running kiosk.
        _ = await rig.running.flows.handle(scan: PrintingFlowsRig.otherCard)
        let code = try #require(await rig.running.flows.handle(scan: PrintingFlowsRig.procedure).code)
        _ = try await rig.receipts(1)
        // The next citizen has scanned their card; a technician looks a dossier up and prints.
        _ = await rig.running.flows.handle(scan: PrintingFlowsRig.card)
        let lookup = await control.lookup(code: code, print: true)
        #expect(lookup.field("ok") == .bool(true))
        #expect(lookup.field("printJob") != nil && lookup.field("printJob") != .null)
        let slip = try #require(try await rig.receipts(2).last)
        #expect(slip.text.contains("TÌNH TRẠNG HỒ SƠ"))
        #expect(await control.testPrint().field("ok") == .bool(true))
        #expect(try await rig.receipts(3).last?.text.contains("KIOSK TEST PAGE") == true)
        // The citizen's procedure scan completes their intake.
        let intake = await rig.running.flows.handle(scan: PrintingFlowsRig.procedure)
        #expect(intake.outcome.name == "intake")
        let receipt = try #require(try await rig.receipts(4).last)
        #expect(receipt.text.contains("Tiếp nhận hồ sơ của: \(PrintingFlowsRig.name)"))
        await rig.shutDown()
    }
}

extension ControlValue {
    /// A field of an object answer (nil for other answers or a missing field).
    fileprivate func field(_ name: String) -> ControlValue? {
        guard case .object(let fields) = self else { return nil }
        return fields[name]
    }
}
