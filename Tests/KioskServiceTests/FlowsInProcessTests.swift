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

/// The flows in process (issue 10): scans in through `KioskFlows`, a real store, the real
/// print queue and printer link, receipts out at an emulated printer. What used to need a
/// kioskd process (KioskFlowsEndToEndTests, TechnicianCodesEndToEndTests) and does not need
/// one is here.
@Suite("Flows in process: intake, lookup, counter, technician codes, idle timeout", .serialized)
struct FlowsInProcessTests {
    @Test("an intake writes dossier, event and job in one go and prints the citizen's name exactly")
    func intakePrintsTheReceipt() async throws {
        let rig = try PrintingFlowsRig()
        let result = await rig.intake()
        #expect(
            result.outcome == .intake(try CitizenIDCard.parse(PrintingFlowsRig.card).get(), procedureCode: "1.001234"))
        let code = try #require(result.code)
        let job = try #require(result.printJobId)
        let dossier = try #require(try await rig.store.dossier(code: code))
        #expect(dossier.applicant.name == PrintingFlowsRig.name)
        #expect(dossier.register == RegisterEntry(book: "2026", number: 1))
        let events = try await rig.events()
        #expect(events.map(\.type) == ["dossier.received"])
        #expect((events.first?.data["applicant"] as? [String: Any])?["name"] as? String == PrintingFlowsRig.name)
        #expect(events.first?.data["code"] as? String == code)

        let receipt = try #require(try await rig.receipts(1).first)
        #expect(receipt.text.contains("Tiếp nhận hồ sơ của: \(PrintingFlowsRig.name)"))
        #expect(PrintingFlowsRig.code(receipt) == code)
        #expect(receipt.text.contains("********2345"))
        #expect(!receipt.text.contains(PrintingFlowsRig.idNumber))
        #expect(!receipt.text.contains(ReprintBanner.title))
        #expect(PrintingFlowsRig.flat(receipt).contains("Vào Sổ theo dõi hồ sơ, Quyển số 2026, Số thứ tự 1"))
        // The job the intake wrote is the one that printed, once, and is gone.
        #expect(rig.log.all.filter { $0.contains("kind=intake-receipt job=\(job) ") }.count == 1)
        #expect(rig.log.all.contains { $0.contains("job=\(job) ") && $0.contains("outcome=printed") })
        #expect(rig.emulator.cutsReceived == 1)

        // The next intake takes the next numbers (known to the flows, checked by the store).
        let second = await rig.intake(card: PrintingFlowsRig.otherCard)
        #expect(TrackingCode(parsing: code)?.sequence == 1)
        #expect(TrackingCode(parsing: second.code ?? "")?.sequence == 2)
        #expect(try await rig.store.dossier(code: second.code ?? "")?.register?.number == 2)
        #expect(try await rig.receipts(2).count == 2)
        await rig.shutDown()
    }

    @Test("numbers taken by another intake since the receipt was built: built again with the next ones")
    func numbersTakenInBetween() async throws {
        let rig = try PrintingFlowsRig()
        // `flows` learns the next numbers from its first intake; a second writer on the same
        // store then takes them.
        let first = await rig.intake()
        let other = rig.otherFlows()
        _ = await other.handle(scan: PrintingFlowsRig.otherCard)
        let second = await other.handle(scan: PrintingFlowsRig.procedure)
        let third = await rig.intake()
        let codes = [first, second, third].compactMap(\.code)
        #expect(codes.compactMap { TrackingCode(parsing: $0)?.sequence } == [1, 2, 3])
        var registers: [Int] = []
        for code in codes { registers.append(try await rig.store.dossier(code: code)?.register?.number ?? 0) }
        #expect(registers == [1, 2, 3])
        let receipts = try await rig.receipts(3)
        #expect(receipts.compactMap(PrintingFlowsRig.code) == codes)
        await rig.shutDown()
    }

    @Test("an 11-field card with an unknown birth day is taken in; the event has the reduced birth date")
    func elevenFieldCard() async throws {
        let rig = try PrintingFlowsRig()
        let card =
            "\(PrintingFlowsRig.idNumber)||\(PrintingFlowsRig.name)|00001995|Nữ|\(PrintingFlowsRig.address)|01022021|||||"
        let result = await rig.intake(card: card)
        #expect(result.outcome.name == "intake")
        let receipt = try #require(try await rig.receipts(1).first)
        #expect(receipt.text.contains("Tiếp nhận hồ sơ của: \(PrintingFlowsRig.name)"))
        let applicant = try #require(try await rig.events().first?.data["applicant"] as? [String: Any])
        #expect(applicant["birthDate"] as? String == "1995")
        await rig.shutDown()
    }

    @Test("control bytes in a scanned name never reach the printer; an overlong name is refused")
    func injectedControlBytes() async throws {
        let rig = try PrintingFlowsRig()
        let injected =
            "\(PrintingFlowsRig.idNumber)||Trần\u{1B}@\u{1D}V\u{10}\u{04}\u{01} Thị Ánh Tuyết|14031995|Nữ|\(PrintingFlowsRig.address)|01022021"
        #expect(await rig.intake(card: injected).outcome.name == "intake")
        let receipt = try #require(try await rig.receipts(1).first)
        #expect(receipt.text.contains("Tiếp nhận hồ sơ của: Trần@V Thị Ánh Tuyết"))
        // The only ESC @ is the encoder's own initialise.
        let bytes = receipt.bytes
        let initialises = (0..<(bytes.count - 1)).filter { bytes[$0] == 0x1B && bytes[$0 + 1] == 0x40 }
        #expect(initialises.count == 1)

        let overlong =
            "\(PrintingFlowsRig.idNumber)||\(String(repeating: "Nguyễn ", count: 30))|14031995|Nữ|\(PrintingFlowsRig.address)|01022021"
        let refused = await rig.flows.handle(scan: overlong)
        #expect(refused.outcome.name == "refused")
        #expect(rig.log.all.contains { $0.contains("refused=id-card-unusable") })
        #expect(await rig.flows.handle(scan: PrintingFlowsRig.procedure).outcome == .refused(.idCardFirst))
        await rig.shutDown()
    }

    @Test("a lookup prints the status slip; with a new appointment, the apology slip")
    func lookupPrintsTheStatusSlip() async throws {
        let rig = try PrintingFlowsRig()
        let code = try #require(await rig.intake().code)
        _ = try await rig.receipts(1)
        try await rig.store.applyStatusUpdates(
            [
                DossierStatusUpdate(
                    code: code, status: .resultReady, note: "Sở Tư pháp đã trả kết quả",
                    at: Timestamp(unixSeconds: PrintingFlowsRig.start.unixSeconds + 3600))
            ], cursor: nil)
        let lookup = await rig.flows.handle(scan: code)
        #expect(lookup.outcome == .lookup(try #require(TrackingCode(parsing: code))))
        let slip = try #require(try await rig.receipts(2).last)
        #expect(slip.text.contains("TÌNH TRẠNG HỒ SƠ"))
        #expect(slip.text.contains("Tình trạng: Đã có kết quả"))
        #expect(PrintingFlowsRig.flat(slip).contains("Sở Tư pháp đã trả kết quả"))

        try await rig.store.applyStatusUpdates(
            [
                DossierStatusUpdate(
                    code: code, status: .processing, note: "Chờ xác minh của Công an tỉnh",
                    at: Timestamp(unixSeconds: PrintingFlowsRig.start.unixSeconds + 7200),
                    dueDate: CalendarDay(iso: "2027-03-15"))
            ], cursor: nil)
        _ = await rig.flows.handle(scan: code)
        let apology = PrintingFlowsRig.flat(try #require(try await rig.receipts(3).last))
        #expect(apology.contains("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"))
        #expect(apology.contains("ngày 15 tháng 03 năm 2027"))
        #expect(apology.contains("Chờ xác minh của Công an tỉnh"))
        await rig.shutDown()
    }

    @Test("counter: clerk mode, a postal item, the wrong ID card, then the hand-back slip")
    func counterFlows() async throws {
        let rig = try PrintingFlowsRig()
        _ = await rig.flows.handle(scan: PrintingFlowsRig.card)
        #expect(await rig.flows.handle(scan: "KIOSK:CANCEL").outcome == .cancelled)
        #expect(await rig.flows.handle(scan: PrintingFlowsRig.procedure).outcome == .refused(.idCardFirst))
        let code = try #require(await rig.intake().code)
        _ = try await rig.receipts(1)

        #expect(await rig.flows.handle(scan: "KIOSK:CLERK").outcome == .clerkMode(on: true))
        _ = await rig.flows.handle(scan: code)
        #expect(await rig.flows.handle(scan: "EA123456785VN").outcome.name == "postal-item-attached")
        _ = await rig.flows.handle(scan: code)
        #expect(await rig.flows.handle(scan: PrintingFlowsRig.otherCard).outcome == .refused(.idCardMismatch))
        _ = await rig.flows.handle(scan: code)
        let handBack = await rig.flows.handle(scan: PrintingFlowsRig.card)
        #expect(handBack.outcome.name == "returned")
        let slip = try #require(try await rig.receipts(2).last)
        #expect(slip.text.contains("PHIẾU TRẢ KẾT QUẢ"))
        #expect(slip.text.contains("********2345"))
        let events = try await rig.events()
        #expect(events.map(\.type) == ["dossier.received", "dossier.postal-item-attached", "dossier.returned"])
        #expect(events[1].data["postalItem"] as? String == "EA123456785VN")
        #expect(try await rig.store.dossier(code: code)?.postalItem == "EA123456785VN")
        await rig.shutDown()
    }

    @Test("KIOSK:TEST-PAGE and KIOSK:STATUS print at the printer")
    func technicianCodes() async throws {
        let rig = try PrintingFlowsRig()
        _ = await rig.control()  // attaches the running kiosk's facts to its flows
        let page = await rig.running.flows.handle(scan: "KIOSK:TEST-PAGE")
        #expect(page.outcome == .technician(.testPage))
        let testPage = try #require(try await rig.receipts(1).first)
        #expect(testPage.text.contains("KIOSK TEST PAGE"))
        #expect(testPage.text.contains("CODE128:"))

        let status = await rig.running.flows.handle(scan: "KIOSK:STATUS")
        #expect(status.outcome == .technician(.status))
        let slip = try #require(try await rig.receipts(2).last).text
        #expect(slip.contains("KIOSK STATUS"))
        #expect(slip.contains(PrintingFlowsRig.kioskId))
        #expect(slip.contains("Version: "))
        #expect(slip.contains("Printer: ok (epson-tm-t20iii)"))
        #expect(slip.contains("Scanner: ok"))
        #expect(slip.contains("Backlog: "))
        await rig.shutDown()
    }

    @Test("a session idle for two minutes is dropped (injected clock, no waiting)")
    func idleTimeout() async throws {
        let rig = try PrintingFlowsRig()
        _ = await rig.flows.handle(scan: PrintingFlowsRig.card)
        rig.advance(seconds: KioskSession.idleTimeoutSeconds - 1)
        #expect(await rig.flows.expireIdleSession() == nil)
        rig.advance(seconds: 2)
        #expect(await rig.flows.expireIdleSession() == .timedOut)
        #expect(await rig.flows.handle(scan: PrintingFlowsRig.procedure).outcome == .refused(.idCardFirst))
        #expect(rig.log.all.contains { $0.contains("session timed out") })
        // A session in progress is kept while the citizen keeps scanning.
        _ = await rig.flows.handle(scan: PrintingFlowsRig.card)
        rig.advance(seconds: 60)
        #expect(await rig.flows.expireIdleSession() == nil)
        #expect(await rig.flows.handle(scan: PrintingFlowsRig.procedure).outcome.name == "intake")
        #expect(rig.emulator.cutsReceived <= 1)
        _ = try await rig.receipts(1)
        await rig.shutDown()
    }
}
