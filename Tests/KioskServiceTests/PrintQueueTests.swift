import ESCPOS
import Foundation
import KioskDevices
import KioskReceipts
import KioskService
import KioskStore
import KioskTestRigs
import Testing

@Suite("Print queue and printer faults through the emulator")
struct PrintQueueTests {
    private func enqueueReceipt(_ store: KioskStore, _ profile: PrinterProfile, name: String = "Nguyễn Thị Ánh Tuyết")
        async throws -> PrintJob
    {
        let bytes = ESCPOSEncoder.encode(PrinterRig.receipt(name: name), profile: profile)
        return try await store.enqueuePrintJob(PrintJobDraft(kind: "intake-receipt", payload: bytes), dossierCode: nil)
    }

    @Test("a job prints once and leaves the store; on time it has no reprint banner")
    func printsOnce() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        let job = try await enqueueReceipt(store, rig.profile)
        let pass = await queue.printPending()
        #expect(pass.printed == [job.id])
        #expect(pass.reprinted.isEmpty)
        #expect(try await store.pendingPrintJobs().isEmpty)
        let receipts = await rig.emulator.waitForReceipts(count: 1)
        #expect(receipts.count == 1)
        #expect(receipts.first?.isCut == true)
        #expect(receipts.first?.text.contains("Người nộp: Nguyễn Thị Ánh Tuyết") == true)
        #expect(receipts.first?.text.contains(ReprintBanner.title) == false)
        let again = await queue.printPending()
        #expect(again.printed.isEmpty)
        await store.close()
        await rig.shutDown()
    }

    @Test("paper out mid-receipt: refused while out, printed once more marked reprint when back, then never again")
    func paperOutMidReceipt() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        let job = try await enqueueReceipt(store, rig.profile)
        rig.emulator.update { $0.paperOutAfterBytes = job.payload.count / 2 }
        let first = await queue.printPending()
        #expect(first.printed.isEmpty)
        #expect(first.stoppedBecause?.contains("paper-out") == true)
        #expect(try await store.pendingPrintJobs().map(\.id) == [job.id])
        // Still out: refused before any byte, and not counted as an attempt.
        let received = rig.emulator.bytesReceived
        let refused = await queue.printPending()
        #expect(refused.stoppedBecause?.contains("paper out") == true)
        #expect(try await store.pendingPrintJobs().first?.attempts == 1)
        #expect(rig.emulator.bytesReceived - received < 64)  // status requests only
        // Paper back.
        rig.emulator.update { $0.paperOut = false }
        let second = await queue.printPending()
        #expect(second.printed == [job.id], "\(second)")
        #expect(second.reprinted == [job.id])
        let receipts = await rig.emulator.waitForReceipts(count: 2)
        #expect(receipts.count == 2)
        #expect(receipts.first?.isCut == false)  // the torn half
        #expect(receipts.last?.isCut == true)
        #expect(receipts.last?.rendered.textLines.first?.contains(ReprintBanner.title) == true)
        #expect(receipts.last?.text.contains("Người nộp: Nguyễn Thị Ánh Tuyết") == true)
        // Never again.
        let third = await queue.printPending()
        #expect(third.printed.isEmpty)
        try await Task.sleep(for: .milliseconds(500))
        #expect(rig.emulator.receipts.count == 2)
        await store.close()
        await rig.shutDown()
    }

    @Test("cover open: the job is refused with the reason and nothing is printed")
    func coverOpen() async throws {
        let rig = try PrinterRig()
        rig.emulator.update { $0.coverOpen = true }
        do {
            _ = try await rig.link.print(ESCPOSEncoder.encode(PrinterRig.receipt(), profile: rig.profile))
            Issue.record("printed with the cover open")
        } catch {
            #expect(error.state == .coverOpen)
            #expect(error.description.hasPrefix("printer \(rig.emulator.devicePath): cover open"))
        }
        #expect(rig.link.lastKnownState == .coverOpen)
        #expect(rig.emulator.bytesDropped < 64)
        try await Task.sleep(for: .milliseconds(500))
        #expect(rig.emulator.receipts.isEmpty)
        await rig.shutDown()
    }

    @Test("the device vanishes mid-job and returns: the job completes exactly once, marked reprint")
    func vanishMidJob() async throws {
        // Writes paced to the baud rate (as with FlowControl=none): a pseudo-terminal has no
        // wire, so without pacing the whole job could sit in its buffer before the vanish.
        let rig = try PrinterRig(flowControl: .none)
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        // All-raster text makes a job of tens of KB: the vanish lands mid-write.
        let payload = ESCPOSEncoder.encode(PrinterRig.receipt(), profile: rig.profile, textRendering: .rasterOnly)
        let job = try await store.enqueuePrintJob(
            PrintJobDraft(kind: "intake-receipt", payload: payload), dossierCode: nil)
        rig.emulator.update { $0.vanishAfterBytes = payload.count / 3 }
        let first = await queue.printPending()
        #expect(first.printed.isEmpty, "\(first)")
        // The emulator marks itself gone just after closing the line the link saw fail.
        let gone = ContinuousClock.now + .seconds(10)
        while rig.emulator.isPresent, ContinuousClock.now < gone { try await Task.sleep(for: .milliseconds(5)) }
        #expect(!rig.emulator.isPresent)
        #expect(await rig.link.status() == .missing)
        let whileGone = await queue.printPending()
        #expect(whileGone.printed.isEmpty)
        #expect(whileGone.stoppedBecause?.contains("not connected") == true)
        await rig.emulator.comeBack()
        var second = PrintQueue.Pass()
        for _ in 0..<50 where second.printed.isEmpty {
            second = await queue.printPending()
            if second.printed.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(second.printed == [job.id], "\(second)")
        #expect(second.reprinted == [job.id])
        #expect(try await store.pendingPrintJobs().isEmpty)
        let receipts = await rig.emulator.waitForReceipts(count: 2)
        #expect(receipts.filter(\.isCut).count == 1)
        _ = await queue.printPending()
        try await Task.sleep(for: .milliseconds(300))
        #expect(rig.emulator.receipts.filter(\.isCut).count == 1)
        await store.close()
        await rig.shutDown()
    }

    @Test("a name holding ESC, GS and DLE prints as text; none of those bytes reach the wire")
    func injection() async throws {
        let rig = try PrinterRig(asksStatus: false)
        let hostile = "Trần\u{1B}@Văn\u{1D}V\u{0}A\u{10}\u{04}\u{01}Bình"
        let bytes = ESCPOSEncoder.encode(PrinterRig.receipt(name: hostile), profile: rig.profile)
        let outcome = try await rig.link.print(bytes)
        #expect(outcome.isPrinted)
        let receipt = try #require(await rig.emulator.waitForReceipts(count: 1).first)
        let line = try #require(receipt.rendered.textLines.first { $0.hasPrefix("Người nộp: ") })
        #expect(line.contains("Trần"))
        #expect(line.contains("Bình"))
        #expect(!line.unicodeScalars.contains { $0.value < 0x20 })
        // On the wire: no cut and no status request other than the receipt's own commands.
        #expect(receipt.rendered.statusRequests.isEmpty)
        #expect(receipt.rendered.elements.filter { if case .cut = $0 { true } else { false } }.count == 1)
        #expect(occurrences(of: [0x1B, 0x40], in: bytes) == 1)  // only the encoder's own ESC @
        #expect(occurrences(of: [0x1D, 0x56], in: bytes) == 1)  // only the receipt's cut
        #expect(occurrences(of: [0x10, 0x04], in: bytes) == 0)  // no status request
        #expect(occurrences(of: [0x1B, 0x40], in: receipt.bytes) == 1)
        await rig.shutDown()
    }

    @Test("status answers triggered by 10 04 n inside raster data do not spoil the status after the job")
    func staleAnswersFromRaster() async throws {
        let rig = try PrinterRig()
        var encoder = ESCPOSEncoder(profile: rig.profile)
        encoder.initialize()
        // A 64×8 image whose rows are 10 04 02 …: the printer answers them as it reads them.
        let pattern = (0..<64).map { [UInt8(0x10), 0x04, 0x02, 0x00][$0 % 4] }
        encoder.raster(MonochromeBitmap(width: 64, height: 8, packedRows: pattern))
        encoder.text("after the image")
        encoder.cut(.full)
        rig.emulator.update { $0.paperNearEnd = true }
        let outcome = try await rig.link.print(encoder.bytes)
        #expect(outcome == .printed(stateAfter: .paperNearEnd))
        await rig.shutDown()
    }

    private func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> Int {
        guard haystack.count >= needle.count else { return 0 }
        return (0...(haystack.count - needle.count)).filter { Array(haystack[$0..<($0 + needle.count)]) == needle }
            .count
    }
}

@Suite("Printer signals") struct PrinterSignalTests {
    @Test("the refusal beep goes to an open printer as is, with no status round trip")
    func beepReachesThePrinter() async throws {
        let rig = try PrinterRig()
        _ = await rig.link.status()
        let before = rig.emulator.bytesReceived
        rig.link.signal([0x1B, 0x42, 3, 1])
        let deadline = ContinuousClock.now + .seconds(5)
        while rig.emulator.bytesReceived < before + 4, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(rig.emulator.bytesReceived - before == 4)
        await rig.shutDown()
    }
}

@Suite("Printer status: asked, never remembered") struct PrinterStatusFreshnessTests {
    @Test("sending a job asks the printer nothing: the caller's status request was the decision")
    func oneProbeBeforeTheJob() async throws {
        let rig = try PrinterRig()
        let bytes = ESCPOSEncoder.encode(PrinterRig.receipt(), profile: rig.profile)
        #expect(await rig.link.status() == .ok)
        let before = rig.emulator.bytesReceived
        #expect(try await rig.link.send(bytes) == .written(bytes: bytes.count))
        #expect(await rig.link.confirm().isPrinted)
        _ = await rig.emulator.waitForReceipts(count: 1)
        // The job, then the buffered GS r 1 and one probe after it (4 × DLE EOT n); none before.
        #expect(rig.emulator.bytesReceived - before == bytes.count + 3 + 12)
        await rig.shutDown()
    }

    @Test("a fault is always asked again: paper refilled a moment after the check prints at once")
    func faultIsAskedAgain() async throws {
        let rig = try PrinterRig()
        rig.emulator.update { $0.paperOut = true }
        #expect(await rig.link.status() == .paperOut)
        rig.emulator.update { $0.paperOut = false }
        let outcome = try await rig.link.print(ESCPOSEncoder.encode(PrinterRig.receipt(), profile: rig.profile))
        #expect(outcome.isPrinted)
        await rig.shutDown()
    }
}
