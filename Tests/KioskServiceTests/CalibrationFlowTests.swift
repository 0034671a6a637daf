import ESCPOS
import Foundation
import KioskConfig
import KioskDevices
import KioskDomain
import KioskStore
import Synchronization
import Testing

@testable import KioskService

/// `KIOSK:CALIBRATE` in the flows, in process: a real store, the fake printer, a clock the test
/// moves. The sheet prints through the flows' print path; the answers write the local profile,
/// switch the flows to it and ask the service to reload; a wrong barcode is refused and changes
/// nothing; cancel and silence end it without writing anything.
@Suite("Flows: printer calibration at the kiosk (KIOSK:CALIBRATE)")
struct CalibrationFlowTests {
    /// A number shared with the flows' closures (the clock, the reload count).
    final class Counter: Sendable {
        let value: Mutex<Int64>
        init(_ start: Int64) { value = Mutex(start) }
        var current: Int64 { value.withLock { $0 } }
    }

    final class Rig: Sendable {
        let folder: String
        let store: KioskStore
        let printer = FakeReceiptPrinter()
        let flows: KioskFlows
        let clock = Counter(1_800_000_000)
        let reloads = Counter(0)
        let log = LogRecorder()

        init(technicianCodes: Bool = true) async throws {
            folder = NSTemporaryDirectory() + "calibration-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            store = try KioskStore(path: folder + "/kiosk.db")
            let configuration = try KioskConfiguration.parse(
                text: """
                    [Kiosk]
                    Id=YB-CAL-01
                    Office=Bưu điện huyện Văn Yên
                    CodePrefix=YBVY01
                    StateDirectory=\(folder)
                    [Printer]
                    Profile=generic-80mm
                    [Control]
                    TechnicianCodes=\(technicianCodes ? "yes" : "no")

                    """, file: "kiosk.conf")
            let profile = try HardwareData.printerProfile(named: "generic-80mm")
            let setup = ServiceSetup(
                configuration: configuration,
                catalog: ProcedureCatalog(procedures: [
                    Procedure(
                        code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp", workingDays: 10, feeVND: 200_000,
                        delivery: .counter)
                ]),
                holidays: HolidayList(), centralKey: nil, file: "kiosk.conf", profile: profile,
                keymap: Keymap(name: "us"))
            let clock = self.clock
            flows = KioskFlows(
                setup: setup, store: store, printer: printer, profile: profile, logger: log.logger,
                now: { Timestamp(unixSeconds: clock.current) })
            let reloads = self.reloads
            await flows.attachProfileCalibrated { reloads.value.withLock { $0 += 1 } }
        }

        var localProfile: String { folder + "/" + CalibratedProfile.fileName }

        func advance(_ seconds: Int64) { clock.value.withLock { $0 += seconds } }

        func job(_ id: Int64?) async throws -> PrintJob? {
            try await store.allPrintJobs().first { $0.id == id }
        }

        func finish() async {
            await store.close()
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    static let card = "001195012345||Đặng Thị Phượng|14031995|Nữ|Thôn 3, xã Mậu A, tỉnh Lào Cai|01022021"

    @Test("the sheet prints, the three answers write the profile, the flows switch to it, the service reloads")
    func answersWriteTheLocalProfileAndTheNextReceiptUsesIt() async throws {
        let rig = try await Rig()
        defer { Task { await rig.finish() } }
        let sheet = await rig.flows.handle(scan: "KIOSK:CALIBRATE")
        #expect(sheet.outcome == .technician(.calibrate))
        #expect(sheet.calibration == "sheet printed")
        let sheetJob = try await rig.job(sheet.printJobId)
        #expect(sheetJob?.kind == "calibration-sheet")
        let transcript = ESCPOSInterpreter.interpret(sheetJob?.payload ?? []).transcript
        for code in [
            "CAL:T:CP1258-52-C", "CAL:T:CP1258-52-P", "CAL:T:UDC", "CAL:T:RASTER", "CAL:CUT:partial", "CAL:BUZ:no",
        ] {
            #expect(transcript.contains(code), "the sheet has \(code)")
        }

        // A citizen's ID card in the middle: refused, the calibration goes on.
        let card = await rig.flows.handle(scan: Self.card)
        #expect(card.outcome == .refused(.calibrationAnswerExpected(got: "id-card")))
        #expect(
            !rig.log.all.joined(separator: "\n").contains("Đặng Thị Phượng")
                && !rig.log.all.joined(separator: "\n").contains("001195012345"))

        #expect(await rig.flows.handle(scan: "]C0CAL:T:CP1258-52-C").calibration == "answer CAL:T:CP1258-52-C")
        #expect(await rig.flows.handle(scan: "CAL:BUZ:yes").outcome == .technician(.calibrate))
        #expect(!FileManager.default.fileExists(atPath: rig.localProfile), "nothing written before the last answer")
        let done = await rig.flows.handle(scan: "CAL:CUT:partial")
        #expect(done.calibration == "complete")
        #expect(rig.reloads.current == 1, "the service is asked to reload with the new profile")

        let written = try String(contentsOfFile: rig.localProfile, encoding: .utf8)
        #expect(written.contains("CP1258=52") && written.contains("CP1258Composes=yes"))
        #expect(written.contains("Cut=partial") && written.contains("KIOSK:CALIBRATE"))
        let loaded = try CalibratedProfile.load(configured: "generic-80mm", stateDirectory: rig.folder)
        #expect(loaded.source.contains("calibrated on site"))
        #expect(loaded.profile.codePages[.cp1258] == 52 && loaded.profile.hasBuzzer)

        let confirmation = try await rig.job(done.printJobId)
        #expect(confirmation?.kind == "calibration-confirmation")
        let confirmed = ESCPOSInterpreter.interpret(confirmation?.payload ?? [], profile: loaded.profile)
        #expect(confirmed.transcript.contains("PRINTER CALIBRATED"))
        #expect(confirmed.textLines.contains { $0.contains(PrinterCalibration.sample) }, "\(confirmed.transcript)")

        // The next intake's receipt is encoded with the calibrated profile: ESC t 52, no downloads.
        _ = await rig.flows.handle(scan: Self.card)
        let intake = await rig.flows.handle(scan: "1.001234")
        let receipt = try #require(try await rig.job(intake.printJobId)).payload
        #expect(receipt.contains(subsequence: [0x1B, 0x74, 52]), "ESC t 52")
        #expect(!receipt.contains(subsequence: [0x1B, 0x26]), "no user-defined characters (ESC &)")
        let rendered = ESCPOSInterpreter.interpret(receipt, profile: loaded.profile)
        #expect(rendered.textLines.contains { $0.contains("Đặng Thị Phượng") }, "\(rendered.transcript)")
    }

    @Test("no answer for 15 minutes ends the calibration; each answer restarts the wait")
    func silenceEndsTheCalibration() async throws {
        let rig = try await Rig()
        defer { Task { await rig.finish() } }
        #expect(await rig.flows.handle(scan: "KIOSK:CALIBRATE").printJobId != nil)
        rig.advance(CalibrationSession.timeoutSeconds - 1)
        #expect(await rig.flows.expireIdleSession() == nil)
        #expect(await rig.flows.handle(scan: "CAL:T:UDC").outcome == .technician(.calibrate))
        rig.advance(CalibrationSession.timeoutSeconds - 1)
        #expect(await rig.flows.expireIdleSession() == nil)
        rig.advance(1)
        #expect(await rig.flows.expireIdleSession() == .timedOut)
        #expect(rig.log.all.joined(separator: "\n").contains("printer calibration timed out"))
        // Over: a sheet's barcode is now an unknown scan, and nothing was written.
        #expect(await rig.flows.handle(scan: "CAL:CUT:partial").outcome == .refused(.invalidScan(.unrecognised)))
        _ = await rig.flows.handle(scan: "CAL:BUZ:no")
        #expect(!FileManager.default.fileExists(atPath: rig.localProfile))
        #expect(rig.reloads.current == 0)
    }

    @Test("KIOSK:CANCEL ends the calibration; KIOSK:CALIBRATE again prints a new sheet and starts over")
    func cancelAndStartOver() async throws {
        let rig = try await Rig()
        defer { Task { await rig.finish() } }
        _ = await rig.flows.handle(scan: "KIOSK:CALIBRATE")
        _ = await rig.flows.handle(scan: "CAL:T:RASTER")
        _ = await rig.flows.handle(scan: "CAL:CUT:yes")
        let cancelled = await rig.flows.handle(scan: "KIOSK:CANCEL")
        #expect(cancelled.outcome == .cancelled && cancelled.calibration == "cancelled")
        #expect(await rig.flows.handle(scan: "CAL:BUZ:no").outcome == .refused(.invalidScan(.unrecognised)))
        #expect(!FileManager.default.fileExists(atPath: rig.localProfile))

        // Started over: the earlier answers are gone, a new sheet is printed.
        let first = await rig.flows.handle(scan: "KIOSK:CALIBRATE")
        _ = await rig.flows.handle(scan: "CAL:T:RASTER")
        let again = await rig.flows.handle(scan: "KIOSK:CALIBRATE")
        #expect(again.printJobId != nil && again.printJobId != first.printJobId)
        _ = await rig.flows.handle(scan: "CAL:BUZ:no")
        _ = await rig.flows.handle(scan: "CAL:CUT:yes")
        #expect(!FileManager.default.fileExists(atPath: rig.localProfile), "the text answer went with the old sheet")
        #expect(await rig.flows.handle(scan: "CAL:T:UDC").calibration == "complete")
        let written = try String(contentsOfFile: rig.localProfile, encoding: .utf8)
        #expect(written.contains("Cut=yes") && written.contains("Buzzer=no"))
    }

    @Test("a printer that cannot print refuses KIOSK:CALIBRATE and starts nothing; so do disabled technician codes")
    func refusedWhenThePrinterCannotPrint() async throws {
        let rig = try await Rig()
        defer { Task { await rig.finish() } }
        rig.printer.set(problem: "paper out")
        #expect(
            await rig.flows.handle(scan: "KIOSK:CALIBRATE").outcome
                == .refused(.printerUnavailable(reason: "paper out")))
        #expect(await rig.flows.handle(scan: "CAL:T:UDC").outcome == .refused(.invalidScan(.unrecognised)))
        #expect(try await rig.store.allPrintJobs().isEmpty)

        let off = try await Rig(technicianCodes: false)
        defer { Task { await off.finish() } }
        #expect(await off.flows.handle(scan: "KIOSK:CALIBRATE").outcome == .refused(.technicianCodesDisabled))
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
