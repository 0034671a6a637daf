import Foundation
import KioskDevices
import KioskDomain
import KioskEmulators
import KioskSQLite
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real kioskd: scans in through a FIFO of input_event records, receipts out through a
/// pseudo-terminal to the emulated printer, events to a loopback kiosk-central.
///
/// Only what needs the process is here: the whole path from the scanner device to the
/// central server, and a status the central server set reaching a printed lookup. The flows
/// themselves (refusals, counter flows, technician codes, receipts' content) are tested in
/// process: Tests/KioskServiceTests/FlowsInProcessTests.swift and PrintOrRefuseTests.swift.
@Suite(.serialized) struct KioskFlowsEndToEndTests {
    static let idNumber = "001095012345"
    static let name = "Nguyễn Bá Hoàng"
    static let address = "Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"
    static let card = "\(idNumber)||\(name)|14031995|Nam|\(address)|01022021"
    static let personalData = [
        idNumber, name, address, "001190099999", "Trần Thị Mai", "Xã Đông Cuông", "14031995", "1995-03-14",
    ]

    struct Rig {
        let kiosk: KioskdProcess
        let scanner: ScannerFIFO

        static func start() async throws -> Rig {
            let kiosk = try KioskdProcess(scannerMode: "evdev")
            let scanner = try ScannerFIFO(path: kiosk.directory.path + "/scanner")
            try kiosk.start()
            #expect(await kiosk.waitForLog("kioskd started"))
            #expect(await kiosk.waitForLog("scanner ok"))
            // The printer link's first status answer.
            #expect(await kiosk.waitForLog("printer ok"))
            return Rig(kiosk: kiosk, scanner: scanner)
        }

        /// Scans and waits until kioskd logged that it handled it.
        func scan(_ text: String) async throws {
            let before = kiosk.log.filter { $0.contains("scan handled") || $0.contains("scan refused") }.count
            try scanner.scan(text)
            let deadline = ContinuousClock.now + .seconds(60)
            while kiosk.log.filter({ $0.contains("scan handled") || $0.contains("scan refused") }).count == before,
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        func stop() async {
            await kiosk.stop()
            // Personal data never reaches a log line.
            for line in kiosk.log {
                for item in KioskFlowsEndToEndTests.personalData {
                    #expect(!line.contains(item), "personal data in a log line: \(line)")
                }
            }
        }
    }

    @Test func intakePrintsOneReceiptAndForwardsOneDossier() async throws {
        let rig = try await Rig.start()
        try await rig.scan(Self.card)
        try await rig.scan("1.001234")
        let receipts = await rig.kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60))
        #expect(receipts.count == 1)
        let text = receipts.first?.text ?? ""
        let code = try #require(text.split(separator: "\n").map(String.init).first { TrackingCode(parsing: $0) != nil })
        #expect(text.contains("Tiếp nhận hồ sơ của: \(Self.name)"))
        #expect(text.contains("********2345"))
        #expect(!text.contains(Self.idNumber))
        // Long fields wrap: compare with the lines joined.
        #expect(Self.flat(text).contains("Cấp Phiếu lý lịch tư pháp (1.001234)"))
        #expect(text.contains("Thời gian trả kết quả:"))
        #expect(receipts.first?.rendered.transcript.contains("[QR \(code)") == true)
        #expect(try await Self.decodeQR(receipts[0]) == code)

        // The receiver holds exactly one dossier.received with every field of the protocol.
        var stored: [(type: String, data: [UInt8])] = []
        for _ in 0..<100 {
            stored = try rig.kiosk.central.storedEvents(kiosk: KioskdProcess.kioskId)
                .filter { $0.type == "dossier.received" }.map { ($0.type, $0.data) }
            if !stored.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(stored.count == 1)
        let data = try #require(
            try JSONSerialization.jsonObject(with: Data(stored.first?.data ?? [])) as? [String: Any])
        #expect(data["code"] as? String == code)
        #expect((data["procedure"] as? [String: Any])?["code"] as? String == "1.001234")
        let applicant = try #require(data["applicant"] as? [String: Any])
        #expect(applicant["idNumber"] as? String == Self.idNumber)
        #expect(applicant["name"] as? String == Self.name)
        #expect(applicant["birthDate"] as? String == "1995-03-14")
        #expect(applicant["gender"] as? String == "Nam")
        #expect(applicant["address"] as? String == Self.address)
        #expect(Timestamp(rfc3339: data["receivedAt"] as? String ?? "") != nil)
        #expect(CalendarDay(iso: data["dueDate"] as? String ?? "") != nil)
        #expect((data["fee"] as? [String: Any])?["amount"] as? Int == 200_000)
        #expect((data["fee"] as? [String: Any])?["currency"] as? String == "VND")
        #expect((data["delivery"] as? [String: Any])?["method"] as? String == "post")
        #expect((data["delivery"] as? [String: Any])?["address"] as? String == Self.address)
        #expect(data["office"] as? String == "Bưu điện huyện Văn Yên")
        await rig.stop()
    }

    @Test func lookupPrintsTheStatusTheCentralServerSet() async throws {
        let rig = try await Rig.start()
        try await rig.scan(Self.card)
        try await rig.scan("1.001234")
        let receipt = await rig.kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60))
        let code = try #require(
            receipt.first?.text.split(separator: "\n").map(String.init).first { TrackingCode(parsing: $0) != nil })
        try rig.kiosk.central.setStatus(
            kiosk: KioskdProcess.kioskId, code: code, status: "result-ready", note: "Sở Tư pháp đã trả kết quả")
        // The kiosk polls every second; wait until the update is in its database.
        let deadline = ContinuousClock.now + .seconds(60)
        while (try? Self.count(
            "SELECT count(*) FROM dossier_status WHERE status = 'result-ready'", rig.kiosk.databasePath)) != 1,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await rig.scan(code)
        let slips = await rig.kiosk.printer.waitForReceipts(count: 2, timeout: .seconds(60))
        let slip = slips.count == 2 ? slips[1].text : ""
        #expect(slip.contains("TÌNH TRẠNG HỒ SƠ"))
        #expect(slip.contains("Tình trạng: Đã có kết quả"))
        #expect(slip.contains("Sở Tư pháp đã trả kết quả"))
        await rig.stop()
    }

    /// The text with wrapped lines joined and runs of spaces made one, so a field reads whole.
    static func flat(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    static func count(_ sql: String, _ path: String) throws -> Int64 {
        let db = try Database(path: path)
        defer { db.close() }
        return try db.scalar(sql)?.integer ?? -1
    }

    /// The receipt's QR read back from its image by zbarimg (Debian's zbar-tools), run off
    /// the concurrency pool.
    static func decodeQR(_ receipt: EmulatedReceipt) async throws -> String? {
        let zbarimg = "/usr/bin/zbarimg"
        guard FileManager.default.isExecutableFile(atPath: zbarimg) else { return nil }
        let file = NSTemporaryDirectory() + "receipt-\(UUID().uuidString).png"
        try Data(receipt.rendered.png(scale: 2)).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let out = try await ToolRun.run(zbarimg, ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", file]).output
        return out.split(separator: "\n").first.map(String.init)
    }
}
