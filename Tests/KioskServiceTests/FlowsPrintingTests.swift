import ESCPOS
import Foundation
import KioskConfig
import KioskDevices
import KioskDomain
import KioskStore
import Synchronization
import Testing

@testable import KioskService

/// A printer stand-in for the flows: a settable problem, and a record of what it was asked.
final class FakeReceiptPrinter: ReceiptPrinting {
    private let state = Mutex<(problem: String?, slips: [[UInt8]], beeps: Int, jobs: [PrintJob])>((nil, [], 0, []))

    func set(problem: String?) { state.withLock { $0.problem = problem } }
    var slips: [[UInt8]] { state.withLock { $0.slips } }
    var beeps: Int { state.withLock { $0.beeps } }

    nonisolated(nonsending) func problem() async -> String? { state.withLock { $0.problem } }
    var jobs: [PrintJob] { state.withLock { $0.jobs } }
    func print(_ job: PrintJob) { state.withLock { $0.jobs.append(job) } }
    func signalRefusal() async { state.withLock { $0.beeps += 1 } }
    func printSlip(_ bytes: [UInt8]) async -> Bool {
        state.withLock { $0.slips.append(bytes) }
        return true
    }
}

/// The flows in process: a real store in a temporary folder, a fake printer, a real catalog.
struct FlowsRig {
    static let card = "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, tỉnh Lào Cai|01022021"

    let folder: String
    let store: KioskStore
    let printer = FakeReceiptPrinter()
    let flows: KioskFlows
    let log = LogRecorder()

    init(buzzer: Bool = false) throws {
        folder = NSTemporaryDirectory() + "flows-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        store = try KioskStore(path: folder + "/kiosk.db")
        let configuration = try KioskConfiguration.parse(
            text: "[Kiosk]\nId=YB-FLOWS-01\nOffice=Bưu điện huyện Văn Yên\nCodePrefix=YBVY01\n", file: "kiosk.conf")
        let profile = PrinterProfile(
            name: "epson", model: "Epson", paperWidthDots: 576, columnsFontA: 48, columnsFontB: 64,
            codePages: [.cp437: 0, .tcvn3Lower: 30, .tcvn3Upper: 31, .cp1258: 52], nativeQR: true, hasBuzzer: buzzer)
        let setup = ServiceSetup(
            configuration: configuration,
            catalog: ProcedureCatalog(procedures: [
                Procedure(
                    code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp", workingDays: 10, feeVND: 200_000,
                    delivery: .post)
            ]),
            holidays: HolidayList(), centralKey: nil, file: "kiosk.conf", profile: profile,
            keymap: Keymap(name: "us"))
        flows = KioskFlows(setup: setup, store: store, printer: printer, profile: profile, logger: log.logger)
    }

    func intake() async -> KioskFlows.Result {
        _ = await flows.handle(scan: Self.card)
        return await flows.handle(scan: "1.001234")
    }

    func finish() async {
        await store.close()
        try? FileManager.default.removeItem(atPath: folder)
    }

    static func text(_ bytes: [UInt8]) -> String {
        // Wrapped lines joined back, so a phrase split across two lines is still found.
        ESCPOSInterpreter.interpret(bytes).textLines.map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
    }
}

@Suite("Flows: what prints, what is refused, and how the citizen learns it")
struct FlowsPrintingTests {
    @Test("an intake's receipt job is written already started, in the intake's own transaction")
    func intakeClaimsItsReceipt() async throws {
        let rig = try FlowsRig()
        let result = await rig.intake()
        #expect(result.outcome.name == "intake")
        let jobs = try await rig.store.pendingPrintJobs()
        #expect(jobs.map(\.id) == [result.printJobId].compactMap { $0 })
        #expect(jobs.first?.stage == .sending)
        #expect(jobs.first?.session == rig.store.printSession)
        #expect(jobs.first?.attempts == 1)
        await rig.finish()
    }

    @Test("a lookup while the printer cannot print is refused now, with the reason; nothing is queued")
    func lookupDuringPaperOutIsRefused() async throws {
        let rig = try FlowsRig()
        let intake = await rig.intake()
        let code = try #require(intake.code)
        rig.printer.set(problem: "paper out")
        let lookup = await rig.flows.handle(scan: code)
        #expect(lookup.outcome == .refused(.printerUnavailable(reason: "paper out")))
        #expect(try await rig.store.allPrintJobs().map(\.kind) == ["intake-receipt"])
        await rig.finish()
    }

    @Test("without a buzzer, a refusal that sends the citizen away prints a slip saying what to do")
    func storeFailurePrintsASlip() async throws {
        let rig = try FlowsRig()
        await rig.store.close()  // every write now fails: a store failure
        let result = await rig.intake()
        guard case .refused(.storeFailure) = result.outcome else {
            Issue.record("expected a store failure, got \(result.outcome)")
            return
        }
        #expect(rig.printer.slips.count == 1)
        let text = FlowsRig.text(rig.printer.slips.first ?? [])
        #expect(text.contains("Ki-ốt tạm ngừng nhận hồ sơ"))
        #expect(text.contains("Vui lòng đến quầy"))
        #expect(!text.contains("Nguyễn Bá Hoàng"))
        #expect(rig.printer.beeps == 0)
        #expect(rig.log.all.contains { $0.contains("kind=refusal-slip") && $0.contains("refused=store-failure") })
        await rig.finish()
    }

    @Test("a mistyped scan prints no slip; a procedure scanned before the card neither")
    func mistypedScanPrintsNothing() async throws {
        let rig = try FlowsRig()
        _ = await rig.flows.handle(scan: "#### not a code")
        _ = await rig.flows.handle(scan: "1.001234")
        #expect(rig.printer.slips.isEmpty)
        await rig.finish()
    }

    @Test("an unknown tracking code prints a slip; no slip when the printer cannot print")
    func unknownDossierSlip() async throws {
        let rig = try FlowsRig()
        let code = TrackingCode(prefix: "YBVY01", day: CalendarDay(iso: "2026-11-21")!, sequence: 4242)!.description
        let refused = await rig.flows.handle(scan: code)
        #expect(refused.outcome == .refused(.unknownDossier(code: code)))
        #expect(rig.printer.slips.count == 1)
        #expect(FlowsRig.text(rig.printer.slips[0]).contains("Không tìm thấy hồ sơ"))
        await rig.finish()
    }

    @Test("with a buzzer, the buzzer sounds and no slip prints")
    func buzzerInsteadOfSlip() async throws {
        let rig = try FlowsRig(buzzer: true)
        await rig.store.close()
        _ = await rig.intake()
        #expect(rig.printer.beeps == 1)
        #expect(rig.printer.slips.isEmpty)
        await rig.finish()
    }
}
