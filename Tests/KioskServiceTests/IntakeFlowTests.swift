import ESCPOS
import Foundation
import KioskConfig
import KioskDevices
import KioskDomain
import KioskStore
import KioskSystem
import KioskTestRigs
import Testing

@testable import KioskService

/// Intakes through the real `KioskFlows` with a real store (issue 15): the configured cut-off
/// and a procedure's same-day cut-off, the register, the documents, a front end's contact
/// details — read back from the database's print job and event.
@Suite struct IntakeFlowTests {
    struct Printer: ReceiptPrinting {
        nonisolated(nonsending) func problem() async -> String? { nil }
        func print(_ job: PrintJob) {}
        func signalRefusal() async {}
        func printSlip(_ bytes: [UInt8]) async -> Bool { true }
    }

    static let catalog = """
        [Procedure 1.001234]
        Name=Cấp Phiếu lý lịch tư pháp
        Days=1
        Fee=200000
        Documents=Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp | original | 1

        [Procedure 2.000815]
        Name=Chứng thực bản sao từ bản chính giấy tờ, văn bản
        Days=0
        SameDayCutoff=15:00
        Fee=2000
        Delivery=counter
        """

    static let cardText = "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, tỉnh Lào Cai|01022021"

    struct Rig {
        let flows: KioskFlows
        let store: KioskStore
        let directory: String
    }

    static func rig(at now: String, kioskLines: String = "") throws -> Rig {
        let directory = NSTemporaryDirectory() + "kiosk-intake-flow-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let configuration = try KioskConfiguration.parse(
            text: "[Kiosk]\nId=LC-MAUA-01\nOffice=Bưu điện xã Mậu A\nPlace=Lào Cai\n" + kioskLines, file: "k")
        let profile = try ReceiptReading.profile("generic-80mm")
        let setup = ServiceSetup(
            configuration: configuration, catalog: try ProcedureCatalog.parse(text: catalog, file: "p"),
            holidays: HolidayList(), centralKey: nil, file: "k", profile: profile,
            keymap: try Keymap.load(named: "us", in: [ReceiptReading.repository + "/Hardware/keymaps"]))
        let store = try KioskStore(path: directory + "/kiosk.db")
        let time = Timestamp(rfc3339: now)!
        let flows = KioskFlows(
            setup: setup, store: store, printer: Printer(), profile: profile, logger: Logger(sink: { _ in }),
            now: { time })
        return Rig(flows: flows, store: store, directory: directory)
    }

    static func card() throws -> CitizenIDCard { try CitizenIDCard.parse(Self.cardText).get() }

    static func event(_ rig: Rig) async throws -> [String: Any] {
        let event = try #require(try await rig.store.pendingEvents(limit: 10).first)
        return try #require(try JSONSerialization.jsonObject(with: Data(event.data)) as? [String: Any])
    }

    static func receipt(_ rig: Rig) async throws -> String {
        let job = try #require(try await rig.store.pendingPrintJobs().first)
        let profile = try ReceiptReading.profile("generic-80mm")
        return ReceiptReading.flat(ESCPOSInterpreter.interpret(job.payload, profile: profile))
    }

    @Test func afterTheConfiguredCutOffTheDossierCountsFromTheNextWorkingDay() async throws {
        // Cutoff=16:00: Monday 23 November 2026 at 16:10 counts as Tuesday; 1 day → Wednesday.
        let rig = try Self.rig(at: "2026-11-23T16:10:00+07:00", kioskLines: "Cutoff=16:00\n")
        defer { try? FileManager.default.removeItem(atPath: rig.directory) }
        _ = await rig.flows.intake(card: try Self.card(), procedureCode: "1.001234")
        #expect(try await Self.event(rig)["dueDate"] as? String == "2026-11-25")
        // The default 16:30 would have kept Monday: due Tuesday.
        let before = try Self.rig(at: "2026-11-23T16:10:00+07:00")
        defer { try? FileManager.default.removeItem(atPath: before.directory) }
        _ = await before.flows.intake(card: try Self.card(), procedureCode: "1.001234")
        #expect(try await Self.event(before)["dueDate"] as? String == "2026-11-24")
    }

    @Test func aSameDayProcedureAfterThreeRollsOver() async throws {
        let late = try Self.rig(at: "2026-11-23T15:05:00+07:00")
        defer { try? FileManager.default.removeItem(atPath: late.directory) }
        _ = await late.flows.intake(card: try Self.card(), procedureCode: "2.000815")
        #expect(try await Self.event(late)["dueDate"] as? String == "2026-11-24")
        // The appointment is at the office's closing time for a same-day procedure.
        #expect(
            try await Self.receipt(late).contains("Thời gian trả kết quả: 17 giờ 00 phút, ngày 24 tháng 11 năm 2026"))
        let early = try Self.rig(at: "2026-11-23T14:55:00+07:00")
        defer { try? FileManager.default.removeItem(atPath: early.directory) }
        _ = await early.flows.intake(card: try Self.card(), procedureCode: "2.000815")
        #expect(try await Self.event(early)["dueDate"] as? String == "2026-11-23")
    }

    @Test func theRegisterDocumentsAndAFrontEndsContactReachReceiptAndEvent() async throws {
        let rig = try Self.rig(at: "2026-11-23T09:15:00+07:00", kioskLines: "Copies=2\n")
        defer { try? FileManager.default.removeItem(atPath: rig.directory) }
        var contact = IntakeContact()
        contact.address = "Số 7 đường Hoàng Liên, phường Lào Cai, tỉnh Lào Cai"
        contact.phone = "0912 345 678"
        contact.email = "hoang@example.vn"
        _ = await rig.flows.intake(card: try Self.card(), procedureCode: "1.001234", contact: contact)
        let event = try await Self.event(rig)
        #expect((event["register"] as? [String: Any])?["book"] as? String == "2026")
        #expect((event["register"] as? [String: Any])?["number"] as? Int == 1)
        let documents = try #require(event["documents"] as? [[String: Any]])
        #expect(documents.first?["name"] as? String == "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp")
        #expect(documents.first?["kind"] as? String == "original")
        #expect(event["phone"] as? String == "0912 345 678")
        #expect(event["email"] as? String == "hoang@example.vn")
        #expect((event["delivery"] as? [String: Any])?["address"] as? String == contact.address)
        let receipt = try await Self.receipt(rig)
        #expect(receipt.contains("Vào Sổ theo dõi hồ sơ, Quyển số 2026, Số thứ tự 1"))
        #expect(receipt.contains("Số điện thoại: 0912 345 678"))
        // Another address than the card's is printed in full where the result goes.
        #expect(receipt.contains("tới địa chỉ: Số 7 đường Hoàng Liên, phường Lào Cai, tỉnh Lào Cai"))
        #expect(receipt.contains("Liên 1: lưu hồ sơ") && receipt.contains("Liên 2: giao người nộp"))
        // The second intake takes the next line of the book.
        _ = await rig.flows.intake(card: try Self.card(), procedureCode: "1.001234")
        let numbers = try await rig.store.pendingEvents(limit: 10).compactMap {
            ((try? JSONSerialization.jsonObject(with: Data($0.data))) as? [String: Any])?["register"] as? [String: Any]
        }.compactMap { $0["number"] as? Int }
        #expect(numbers == [1, 2])
    }

    @Test func contactDetailsAreChecked() {
        #expect(IntakeContact.parse(address: nil, phone: "12", email: nil) == .failure(.phone))
        #expect(IntakeContact.parse(address: nil, phone: nil, email: "no-at-sign") == .failure(.email))
        #expect(IntakeContact.parse(address: " \u{1B} ", phone: nil, email: nil) == .failure(.address))
        #expect((try? IntakeContact.parse(address: nil, phone: "+84 912.345.678", email: nil).get())?.phone != nil)
    }
}
