import ESCPOS
import Foundation
import KioskConfig
import KioskDevices
import KioskDomain
import KioskEmulators
import KioskStore
import KioskTestRigs
import Testing

@testable import KioskService

/// The scan path against the emulated printer: the flows, the real printer adapter, the print
/// queue running as in the service, the printer link and an emulated Epson TM-T88V.
final class ScanPathRig: Sendable {
    let folder: String
    let emulator: EmulatedPrinter
    let link: PrinterLink
    let store: KioskStore
    let flows: KioskFlows
    let running: Task<Void, Never>
    let log = LogRecorder()

    init(automaticStatusBack: Bool) throws {
        folder = NSTemporaryDirectory() + "scan-path-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let profile = try PrinterProfile.load(named: "epson-tm-t88v", from: root + "/Hardware/printers")
        emulator = try EmulatedPrinter(profile: profile, devicePath: folder + "/printer")
        // A long allowance: a check waiting for the printer never ends on its own in a test.
        link = PrinterLink(
            configuration: PrinterLinkConfiguration(
                devicePath: folder + "/printer", serial: SerialPortSettings(baudRate: .b115200, flowControl: .rtscts),
                statusTimeout: .milliseconds(500), idleCheckInterval: .seconds(120), printAllowance: .seconds(120),
                automaticStatusBack: automaticStatusBack && profile.hasAutomaticStatusBack))
        store = try KioskStore(path: folder + "/kiosk.db")
        let queue = PrintQueue(store: store, link: link, profile: profile, logger: log.logger)
        let configuration = try KioskConfiguration.parse(
            text: "[Kiosk]\nId=YB-SCAN-01\nOffice=Bưu điện huyện Văn Yên\nCodePrefix=YBVY01\n", file: "kiosk.conf")
        let setup = ServiceSetup(
            configuration: configuration,
            catalog: ProcedureCatalog(procedures: [
                Procedure(
                    code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp", workingDays: 10, feeVND: 200_000,
                    delivery: .post)
            ]),
            holidays: HolidayList(), centralKey: nil, file: "kiosk.conf", profile: profile, keymap: Keymap(name: "us"))
        flows = KioskFlows(
            setup: setup, store: store, printer: PrinterAdapter(link: link, queue: queue, profile: profile),
            profile: profile, logger: log.logger)
        running = Task { await queue.run() }
    }

    /// A citizen's ID card, then a procedure code.
    func intake() async -> KioskFlows.Result {
        _ = await flows.handle(scan: FlowsRig.card)
        return await flows.handle(scan: "1.001234")
    }

    /// Waits for `condition`, checked every few milliseconds, at most `timeout`; its last value.
    func until(_ timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async rethrows -> Bool {
        try await waitUntil(timeout, condition)
    }

    func finish() async {
        running.cancel()
        await link.stop()
        await emulator.stop()
        await store.close()
        try? FileManager.default.removeItem(atPath: folder)
    }
}

@Suite("The scan path and the printer's status: no waiting on the printer")
struct ScanPathPrinterTests {
    @Test("Automatic Status Back: paper out pushed while idle refuses the next scan with no byte on the wire")
    func pushedPaperOutRefusesWithoutAsking() async throws {
        let rig = try ScanPathRig(automaticStatusBack: true)
        #expect(await rig.until { rig.link.statusReport.pushed })
        #expect(await rig.intake().outcome.name == "intake")
        #expect(try await rig.until { try await rig.store.pendingPrintJobs().isEmpty })
        #expect(rig.emulator.cutsReceived == 1)

        rig.emulator.update { $0.paperOut = true }
        #expect(await rig.until { rig.link.lastKnownState == .paperOut })
        let bytesBefore = rig.emulator.bytesReceived
        let requestsBefore = rig.emulator.realtimeRequestsReceived
        let refused = await rig.intake()
        #expect(refused.outcome == .refused(.printerUnavailable(reason: "paper out")))
        // No DLE EOT probe, no job: the pushed state stood for asking.
        #expect(rig.emulator.realtimeRequestsReceived == requestsBefore)
        #expect(rig.emulator.bytesReceived == bytesBefore)
        let report = rig.link.statusReport
        #expect(report.state == .paperOut && report.pushed)

        rig.emulator.update { $0.paperOut = false }
        #expect(await rig.until { rig.link.lastKnownState == .ok })
        #expect(await rig.intake().outcome.name == "intake")
        #expect(try await rig.until { try await rig.store.pendingPrintJobs().isEmpty })
        #expect(rig.emulator.cutsReceived == 2)
        #expect(await rig.emulator.waitForReceipts(count: 2).count == 2)
        await rig.finish()
    }

    @Test("a scan while the last receipt's check waits gets its receipt out before that check settles")
    func nextScanDoesNotWaitForTheCheck() async throws {
        let rig = try ScanPathRig(automaticStatusBack: false)
        // Still printing the first receipt: the printer's word that it is done does not come.
        rig.emulator.update { $0.holdsProcessedAnswers = true }
        #expect(await rig.intake().outcome.name == "intake")
        #expect(await rig.until { rig.emulator.cutsReceived == 1 })
        #expect(await rig.intake().outcome.name == "intake")
        #expect(await rig.until { rig.emulator.cutsReceived == 2 }, "the second receipt waited for the first's check")
        #expect(!rig.emulator.events.contains(.processedAnswer))
        // The control socket's answer never waits behind the job either (the check is held
        // until below: waiting for it here would never return).
        let report = await rig.link.currentStatus()
        #expect(report.state == .ok && !report.pushed && report.age != nil)
        #expect(try await rig.store.pendingPrintJobs().count == 2)

        rig.emulator.update { $0.holdsProcessedAnswers = false }
        #expect(try await rig.until { try await rig.store.pendingPrintJobs().isEmpty })
        let order = rig.emulator.events.filter { $0 == .cut || $0 == .processedAnswer }
        #expect(order == [.cut, .cut, .processedAnswer, .processedAnswer])
        // The row is deleted just before the line is logged.
        #expect(await rig.until { rig.log.all.filter { $0.contains("outcome=printed") }.count == 2 })
        await rig.finish()
    }

    @Test("paper out while a receipt's check waits: the pushed fault settles it, the receipt prints again once")
    func pushedFaultSettlesTheCheck() async throws {
        let rig = try ScanPathRig(automaticStatusBack: true)
        #expect(await rig.until { rig.link.statusReport.pushed })
        rig.emulator.update { $0.holdsProcessedAnswers = true }
        #expect(await rig.intake().outcome.name == "intake")
        #expect(await rig.until { rig.emulator.cutsReceived == 1 })
        rig.emulator.update { $0.paperOut = true }
        #expect(await rig.until { rig.log.all.contains { $0.contains("fault after job: paper-out") } })
        #expect(try await rig.store.pendingPrintJobs().first?.reprint == true)
        // Paper back: the printer finishes what it held (its late answer to the first job's
        // request must not settle the reprint's check), then prints the marked copy.
        rig.emulator.update {
            $0.paperOut = false
            $0.holdsProcessedAnswers = false
        }
        #expect(try await rig.until { try await rig.store.pendingPrintJobs().isEmpty })
        #expect(rig.emulator.cutsReceived == 2)
        // The row is deleted just before the line is logged.
        #expect(await rig.until { rig.log.all.filter { $0.contains("outcome=reprinted") }.count == 1 })
        await rig.finish()
    }
}
