import ESCPOS
import Foundation
import KioskControl
import KioskDomain
import KioskReceipts
import KioskStore
import KioskTestRigs
import Testing

@testable import KioskService

#if canImport(Glibc)
    import Glibc
#endif

/// `release`: a print job held for a technician goes back to the printer through the flows'
/// one decision, over the real control server and through the real kioskctl. Printed once
/// under the one reprint banner when the printer can print; refused now with the reason, and
/// still held (never printed later on its own), when it cannot.
@Suite("Releasing a held print job", .serialized)
struct ReleaseHeldJobTests {
    /// The reason the queue gives a crash-reprint it holds (docs/print-once.md).
    static let crashReason =
        "a crash interrupted its reprint after an earlier crash; check the last receipt printed,"
        + " then reprint it (kioskctl reprint) if it is incomplete"

    /// A dossier taken in and its receipt printed; then, while the paper is out (so the queue
    /// cannot touch it), its receipt held as the queue holds an interrupted crash-reprint.
    static func heldReceipt(_ rig: PrintingFlowsRig) async throws -> (code: String, job: Int64) {
        let code = try #require(await rig.intake().code)
        _ = try await rig.receipts(1)
        rig.emulator.update { $0.paperOut = true }
        let dossier = try #require(try await rig.store.dossier(code: code))
        let profile = rig.printer.profile
        let receipt = IntakeReceipt(
            dossier: dossier, kiosk: rig.running.setup.configuration.kiosk, catalog: rig.running.setup.catalog)
        let payload = ESCPOSEncoder.encode(receipt.document(columns: profile.columnsFontA), profile: profile)
        let job = try await rig.store.enqueuePrintJob(
            PrintJobDraft(kind: "intake-receipt", payload: payload), dossierCode: code)
        try await rig.store.holdPrintJob(id: job.id, reason: crashReason)
        #expect(try await rig.store.heldPrintJobs().map(\.id) == [job.id])
        return (code, job.id)
    }

    /// The real control server answering with the running kiosk's `ServiceControl`.
    static func server(_ rig: PrintingFlowsRig, _ directory: SocketDirectory) async throws -> ControlServer {
        let server = ControlServer(
            socketPath: directory.socket, group: "no-such-group-kiosk", handler: await rig.control(),
            logger: rig.log.logger)
        try server.start()
        return server
    }

    static func waitUntilPrinterIsReady(_ rig: PrintingFlowsRig) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while await rig.printer.link.status() != .ok, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test("kioskctl queue release: a held crash-reprint prints once, with one reprint banner")
    func releasedJobPrintsOnceWithOneBanner() async throws {
        let rig = try PrintingFlowsRig()
        let (code, job) = try await Self.heldReceipt(rig)
        rig.emulator.update { $0.paperOut = false }
        try await Self.waitUntilPrinterIsReady(rig)
        let directory = SocketDirectory()
        let server = try await Self.server(rig, directory)
        defer { server.requestStop() }

        let release = try await Kioskctl.run([
            "queue", "release", "\(job)", "--json", "--timeout", "120", "--socket", directory.socket,
        ])
        #expect(release.status == 0, "\(release.errors)")
        #expect(
            try ControlValue.parse(Array(release.output.trimmingCharacters(in: .whitespacesAndNewlines).utf8))
                == .object(["released": .array([.int(job)])]))
        let reprint = try #require(try await rig.receipts(2).last)
        #expect(reprint.isCut)
        #expect(reprint.rendered.textLines.filter { $0.contains(ReprintBanner.title) }.count == 1)
        #expect(PrintingFlowsRig.code(reprint) == code)
        #expect(reprint.text.contains("Tiếp nhận hồ sơ của: \(PrintingFlowsRig.name)"))
        #expect(rig.emulator.receipts.count == 2)
        #expect(try await rig.store.allPrintJobs().isEmpty)
        // Who asked is on record; the job is no longer held, so a second release finds nothing.
        let line = rig.log.all.first { $0.contains("held print jobs released") }
        #expect(line?.contains("job=\(job)") == true && line?.contains("uid=\(getuid())") == true, "\(rig.log.all)")
        let again = try await Kioskctl.run([
            "queue", "release", "\(job)", "--timeout", "120", "--socket", directory.socket,
        ])
        #expect(again.status == 1)
        #expect(again.errors.contains("no print job \(job) is held (see `kioskctl queue held`)"), "\(again.errors)")
        #expect(rig.emulator.receipts.count == 2)
        await rig.shutDown()
    }

    @Test("while the paper is out a release is refused with the reason; the job stays held, never printed later")
    func refusedWhilePaperOutAndStaysHeld() async throws {
        let rig = try PrintingFlowsRig()
        let (_, job) = try await Self.heldReceipt(rig)
        let directory = SocketDirectory()
        let server = try await Self.server(rig, directory)
        defer { server.requestStop() }
        let client = ControlClient(socketPath: directory.socket, group: "kiosk-tech", timeout: .seconds(120))

        let one = try await onThread { try client.request(.request("release", ["job": .int(job)])) }
        #expect(one["ok"] == .bool(false))
        #expect(one["error"] == .string("printer-unavailable"))
        #expect(one["message"]?.stringValue?.contains("paper out") == true, "\(one)")
        #expect(one["message"]?.stringValue?.contains("print job \(job) stays held") == true, "\(one)")
        let all = try await onThread { try client.request(.request("release", ["all": .bool(true)])) }
        #expect(all["error"] == .string("printer-unavailable"))
        #expect(all["released"] == .array([]))
        let cli = try await Kioskctl.run([
            "queue", "release", "--all", "--timeout", "120", "--socket", directory.socket,
        ])
        #expect(cli.status == 1)
        #expect(cli.errors.contains("printer cannot print: paper out"), "\(cli.errors)")
        #expect(rig.log.all.contains { $0.contains("release refused") && $0.contains("error=printer-unavailable") })
        let held = try await rig.store.heldPrintJobs()
        #expect(held.map(\.id) == [job])
        #expect(held.first?.heldReason == Self.crashReason)

        // The paper is back: the next print comes out alone; the held job is still held.
        rig.emulator.update { $0.paperOut = false }
        try await Self.waitUntilPrinterIsReady(rig)
        guard case .printing = await rig.flows.printTestPage() else {
            Issue.record("the test page was refused after the paper was back")
            await rig.shutDown()
            return
        }
        let receipts = await rig.emulator.waitForReceipts(count: 2, timeout: .seconds(60))
        #expect(receipts.last?.text.contains("KIOSK TEST PAGE") == true)
        let deadline = ContinuousClock.now + .seconds(60)
        while try await rig.store.allPrintJobs().count > 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        // A pass over the queue leaves a held job alone.
        _ = await rig.printer.queue.printPending()
        #expect(try await rig.store.allPrintJobs().map(\.id) == [job])
        #expect(try await rig.store.heldPrintJobs().map(\.id) == [job])
        #expect(rig.emulator.receipts.count == 2)
        await rig.shutDown()
    }

    @Test("a job the queue held in this run, then released and handed over, prints once more, marked")
    func heldInThisRunThenReleasedPrints() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile, maximumAttempts: 1)
        let payload = ESCPOSEncoder.encode(PrinterRig.receipt(), profile: rig.profile)
        let job = try await store.enqueuePrintJob(
            PrintJobDraft(kind: "intake-receipt", payload: payload), dossierCode: nil)
        rig.emulator.update { $0.paperOutAfterBytes = payload.count / 2 }
        #expect(await queue.printPending().held == [job.id])
        rig.emulator.update { $0.paperOut = false }
        let claimed = try #require(try await store.claimHeldPrintJob(id: job.id))
        #expect(claimed.stage == .sending && claimed.session == store.printSession && claimed.reprint)
        #expect(try await store.claimHeldPrintJob(id: job.id) == nil)  // no longer held
        #expect(await queue.printSubmitted(claimed).reprinted == [job.id])
        #expect(try await store.allPrintJobs().isEmpty)
        await store.close()
        await rig.shutDown()
    }

    @Test("a release request names one job or all, never both or neither")
    func releaseRequestIsChecked() throws {
        #expect(try ControlRequest.decode(.request("release", ["job": .int(41)])) == .release(job: 41, all: false))
        #expect(try ControlRequest.decode(.request("release", ["all": .bool(true)])) == .release(job: nil, all: true))
        for fields: [String: ControlValue] in [
            [:], ["job": .int(41), "all": .bool(true)], ["job": .int(0)], ["job": .string("41")],
        ] {
            #expect(throws: ControlRequestError.self) { try ControlRequest.decode(.request("release", fields)) }
        }
    }
}
