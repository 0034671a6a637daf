import Foundation
import KioskDevices
import KioskDomain
import KioskSQLite
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real kioskd: scans in through a FIFO of input_event records, receipts out through a
/// pseudo-terminal to the emulated printer, events to a loopback kiosk-central.
@Suite(.serialized) struct KioskFlowsEndToEndTests {
    static let idNumber = "001095012345"
    static let name = "Nguyễn Bá Hoàng"
    static let address = "Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"
    static let card = "\(idNumber)||\(name)|14031995|Nam|\(address)|01022021"
    static let otherCard = "001190099999||Trần Thị Mai|02021990|Nữ|Xã Đông Cuông, huyện Văn Yên|01022021"
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
            // The printer link answers its first status query.
            try await Task.sleep(for: .milliseconds(300))
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
        #expect(try Self.decodeQR(receipts[0]) == code)

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

    /// Issue 15: a Căn cước (11 fields, a trailing bar) whose birth day and month are unknown
    /// is taken in; the receipt carries the register line, the event the reduced birth date.
    @Test func elevenFieldCardWithAnUnknownBirthDayIsTakenIn() async throws {
        let rig = try await Rig.start()
        try await rig.scan("\(Self.idNumber)||\(Self.name)|00001995|Nam|\(Self.address)|01022021|||||")
        try await rig.scan("1.001234")
        let receipts = await rig.kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60))
        #expect(receipts.count == 1)
        let text = receipts.first?.text ?? ""
        #expect(text.contains("Tiếp nhận hồ sơ của: \(Self.name)"))
        #expect(text.contains("Vào Sổ theo dõi hồ sơ, Quyển số"))
        var data: [String: Any] = [:]
        for _ in 0..<100 {
            let stored = try rig.kiosk.central.storedEvents(kiosk: KioskdProcess.kioskId)
                .filter { $0.type == "dossier.received" }
            if let first = stored.first {
                data = try JSONSerialization.jsonObject(with: Data(first.data)) as? [String: Any] ?? [:]
                break
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect((data["applicant"] as? [String: Any])?["birthDate"] as? String == "1995")
        #expect((data["register"] as? [String: Any])?["number"] as? Int == 1)
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
        #expect(await rig.kiosk.waitForLog("updates", timeout: .seconds(10)))
        try await Task.sleep(for: .seconds(2))
        try await rig.scan(code)
        let slips = await rig.kiosk.printer.waitForReceipts(count: 2, timeout: .seconds(60))
        let slip = slips.count == 2 ? slips[1].text : ""
        #expect(slip.contains("TÌNH TRẠNG HỒ SƠ"))
        #expect(slip.contains("Tình trạng: Đã có kết quả"))
        #expect(slip.contains("Sở Tư pháp đã trả kết quả"))
        await rig.stop()
    }

    /// Issue 15: the agency sets a new appointment (`dueDate`); a lookup prints the apology and
    /// new-appointment slip with the old and the new date.
    @Test func aDueDateUpdatePrintsTheApologySlip() async throws {
        let rig = try await Rig.start()
        try await rig.scan(Self.card)
        try await rig.scan("1.001234")
        let receipt = await rig.kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60))
        let receiptText = receipt.first?.text ?? ""
        let code = try #require(
            receiptText.split(separator: "\n").map(String.init).first { TrackingCode(parsing: $0) != nil })
        try rig.kiosk.central.setStatus(
            kiosk: KioskdProcess.kioskId, code: code, status: "processing", note: "Chờ xác minh của Công an tỉnh",
            dueDate: "2027-03-15", dueTime: "14:00")
        // Wait for the poll to store the new date in the kiosk's database, not for a fixed time.
        let deadline = ContinuousClock.now + .seconds(60)
        while (try? Self.count(
            "SELECT count(*) FROM dossier_status WHERE due_date = '2027-03-15'", rig.kiosk.databasePath)) != 1,
            ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await rig.scan(code)
        let slips = await rig.kiosk.printer.waitForReceipts(count: 2, timeout: .seconds(60))
        let slip = slips.count == 2 ? Self.flat(slips[1].text) : ""
        #expect(slip.contains("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"))
        #expect(slip.contains("Hẹn lại ngày trả kết quả: 14 giờ 00 phút, ngày 15 tháng 03 năm 2027"))
        #expect(slip.contains("Chờ xác minh của Công an tỉnh"))
        #expect(slip.contains("Hẹn trả ban đầu: ngày"))
        await rig.stop()
    }

    @Test func paperOutRefusesTheIntakeAndWritesNothing() async throws {
        let rig = try await Rig.start()
        rig.kiosk.printer.update { $0.paperOut = true }
        try await rig.scan(Self.card)
        try await rig.scan("1.001234")
        #expect(rig.kiosk.log.contains { $0.contains("scan refused") && $0.contains("refused=printer-unavailable") })
        #expect(try Self.count("SELECT count(*) FROM dossiers", rig.kiosk.databasePath) == 0)
        #expect(
            try Self.count("SELECT count(*) FROM outbox WHERE type = 'dossier.received'", rig.kiosk.databasePath) == 0)
        // Paper back: the next intake works.
        rig.kiosk.printer.update { $0.paperOut = false }
        try await Task.sleep(for: .seconds(1))
        try await rig.scan(Self.card)
        try await rig.scan("1.001234")
        #expect(await rig.kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60)).count == 1)
        #expect(try Self.count("SELECT count(*) FROM dossiers", rig.kiosk.databasePath) == 1)
        await rig.stop()
    }

    @Test func counterFlowsCancelAndTheWrongIdCard() async throws {
        let rig = try await Rig.start()
        try await rig.scan(Self.card)
        try await rig.scan("KIOSK:CANCEL")
        try await rig.scan("1.001234")
        #expect(rig.kiosk.log.contains { $0.contains("refused=id-card-first") })
        try await rig.scan(Self.card)
        try await rig.scan("1.001234")
        let receipt = await rig.kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60))
        let code = try #require(
            receipt.first?.text.split(separator: "\n").map(String.init).first { TrackingCode(parsing: $0) != nil })

        try await rig.scan("KIOSK:CLERK")
        try await rig.scan(code)
        try await rig.scan("EA123456785VN")
        try await rig.scan(code)
        try await rig.scan(Self.otherCard)
        #expect(rig.kiosk.log.contains { $0.contains("refused=id-card-mismatch") })
        try await rig.scan(code)
        try await rig.scan(Self.card)
        let slips = await rig.kiosk.printer.waitForReceipts(count: 2, timeout: .seconds(60))
        #expect(slips.count == 2)
        #expect(slips.last?.text.contains("PHIẾU TRẢ KẾT QUẢ") == true)
        #expect(slips.last?.text.contains("********2345") == true)

        var types: [String] = []
        for _ in 0..<100 {
            types = try rig.kiosk.central.storedEvents(kiosk: KioskdProcess.kioskId).map(\.type).filter {
                $0 != "kiosk.health"
            }
            if types.count == 3 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(types == ["dossier.received", "dossier.postal-item-attached", "dossier.returned"])
        let attached = try rig.kiosk.central.storedEvents(kiosk: KioskdProcess.kioskId).first {
            $0.type == "dossier.postal-item-attached"
        }
        let attachedText = String(decoding: attached?.data ?? [], as: UTF8.self)
        #expect(attachedText.contains("EA123456785VN"))
        await rig.stop()
    }

    @Test func injectedControlBytesAndAnOverlongNameNeverReachThePrinter() async throws {
        let rig = try await Rig.start()
        let injected =
            "\(Self.idNumber)||Nguyễn\u{1B}@\u{1D}V\u{10}\u{04}\u{01} Bá Hoàng|14031995|Nam|\(Self.address)|01022021"
        try await rig.scan(injected)
        try await rig.scan("1.001234")
        let receipts = await rig.kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60))
        #expect(receipts.first?.text.contains("Tiếp nhận hồ sơ của: Nguyễn@V Bá Hoàng") == true)
        let bytes = receipts.first?.bytes ?? []
        // The name's line on the wire: "Nguy…n" then "@V B" with nothing between but letters.
        let at = try #require(Self.index(of: Array("@V B".utf8), in: bytes))
        let line = bytes[max(0, at - 12)..<at + 4]
        #expect(!line.contains(0x1B) && !line.contains(0x1D) && !line.contains(0x10), "control bytes in \(Array(line))")
        // The only ESC @ is the encoder's own initialise.
        #expect(Self.occurrences(of: [0x1B, 0x40], in: bytes) == 1)

        let overlong =
            "\(Self.idNumber)||\(String(repeating: "Nguyễn ", count: 30))|14031995|Nam|\(Self.address)|01022021"
        try await rig.scan(overlong)
        // Read well but unusable at the kiosk: the citizen goes to the counter (issue 15).
        #expect(rig.kiosk.log.contains { $0.contains("refused=id-card-unusable") })
        try await rig.scan("1.001234")
        #expect(rig.kiosk.log.contains { $0.contains("refused=id-card-first") })
        #expect(rig.kiosk.printer.receipts.count == 1)
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

    static func index(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<$0 + needle.count]) == needle }
    }

    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> Int {
        guard haystack.count >= needle.count else { return 0 }
        return (0...(haystack.count - needle.count)).filter { Array(haystack[$0..<$0 + needle.count]) == needle }.count
    }

    /// The receipt's QR read back from its image by zbarimg (Debian's zbar-tools).
    static func decodeQR(_ receipt: EmulatedReceipt) throws -> String? {
        let zbarimg = "/usr/bin/zbarimg"
        guard FileManager.default.isExecutableFile(atPath: zbarimg) else { return nil }
        let file = NSTemporaryDirectory() + "receipt-\(UUID().uuidString).png"
        try Data(receipt.rendered.png(scale: 2)).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zbarimg)
        process.arguments = ["--raw", "-q", "-Sdisable", "-Sqrcode.enable", file]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return out.split(separator: "\n").first.map(String.init)
    }
}
