import ESCPOS
import Foundation
import KioskDevices
import KioskDomain
import KioskEmulators
import KioskReceipts
import KioskSQLite
import KioskSystem
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` of the real kioskd, hundreds of times, while intakes come in through the control
/// socket and receipts print on the emulated printer — half of the kills the moment a receipt's
/// cut reaches the printer (inside the window after its last byte), half at random moments.
/// After a last clean run: every dossier at the central exactly once, and each receipt printed
/// once, or twice with the second copy marked (a kill inside the window docs/print-once.md
/// names), or held for a technician — never more.
@Suite(.serialized) struct PrintOnceKillStormTests {
    static let card =
        "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, tỉnh Lào Cai|01022021"
    static let kills = 300

    @Test func eachReceiptPrintsOnceAcrossAKillStorm() async throws {
        let kiosk = try KioskdProcess()
        let log = kiosk.directory.path + "/kioskd.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        var generator = SystemRandomNumberGenerator()
        // Where the kills that followed a cut found the receipt's job.
        var afterCut = (written: 0, sending: 0, gone: 0)
        let began = ContinuousClock.now
        for round in 0..<Self.kills {
            let process = try Self.launch(kiosk, log: log)
            let cutsBefore = kiosk.printer.cutsReceived
            switch round % 5 {
            case 0:
                // An intake, killed the moment its whole receipt (or a reprint the start
                // recovered) has reached the printer: inside the post-print window.
                let client = await Self.sendIntake(kiosk, round)
                await Self.killAtCut(kiosk, after: cutsBefore, pid: process.processIdentifier)
                process.waitUntilExit()
                client?.close()
                if kiosk.printer.cutsReceived > cutsBefore {
                    switch (try? Self.lastJobStage(database: kiosk.databasePath)) ?? "none" {
                    case "written": afterCut.written += 1
                    case "sending": afterCut.sending += 1
                    default: afterCut.gone += 1
                    }
                }
            case 1:
                // An intake, killed at a random moment of its handling and printing.
                let client = await Self.sendIntake(kiosk, round)
                try? await Task.sleep(for: .milliseconds(Int.random(in: 0...600, using: &generator)))
                Self.kill(process)
                client?.close()
            default:
                // A kill while kioskd starts: inside its recovery of what the last kill left.
                try? await Task.sleep(for: .milliseconds(Int.random(in: 0...200, using: &generator)))
                Self.kill(process)
            }
        }
        let storm = ContinuousClock.now - began
        // A last run, never killed, prints what is left and delivers every event.
        let last = try Self.launch(kiosk, log: log)
        let database = kiosk.databasePath
        let deadline = ContinuousClock.now + .seconds(60)
        var settled = false
        while ContinuousClock.now < deadline {
            if (try? Self.isSettled(database: database, kiosk: kiosk)) == true {
                settled = true
                break
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        #expect(settled, "print jobs or events still pending after the last run")
        last.send(SIGTERM)
        let stopped = await ToolRun.waitForExit(last, timeout: .seconds(60))
        #expect(stopped, "the last kioskd did not stop within 60 s of SIGTERM")

        let dossiers = try Self.dossierCodes(database: database)
        let held = try Self.heldJobCodes(database: database)
        let received = try kiosk.central.storedEvents(kiosk: KioskdProcess.kioskId)
            .filter { $0.type == "dossier.received" }
            .compactMap { event -> String? in
                (try? JSONSerialization.jsonObject(with: Data(event.data)) as? [String: Any])?["code"] as? String
            }
        await kiosk.stop()  // tears off what is left on the emulator's paper
        let copies = Self.copies(kiosk.printer.receipts)

        #expect(dossiers.count >= 30, "too few intakes were committed to prove anything")
        #expect(received.count == dossiers.count, "dossiers at the central: \(received.count) of \(dossiers.count)")
        #expect(Set(received) == Set(dossiers))
        #expect(Set(received).count == received.count, "a dossier arrived twice at the central")
        var twice = 0
        for code in dossiers {
            let plain = copies[code]?.plain ?? 0
            let marked = copies[code]?.marked ?? 0
            #expect(plain <= 1, "\(code): \(plain) unmarked copies")
            #expect(marked <= 1, "\(code): \(marked) copies marked as reprints")
            #expect(plain + marked >= 1 || held.contains(code), "\(code): no whole copy and not held")
            if plain + marked == 2 { twice += 1 }
        }
        #expect(held.count <= dossiers.count)
        // Some kills landed inside the post-print window (after the last byte, before the job
        // was confirmed), where the old link reprinted every time.
        #expect(afterCut.written + afterCut.sending > 0, "no kill landed inside the post-print window")
        // What the window's unrecorded part took in each copy that printed (from the log).
        let windows =
            (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n")
            .compactMap { line in line.split(separator: " ").first { $0.hasPrefix("unrecorded-us=") } }
            .compactMap { Int($0.dropFirst("unrecorded-us=".count)) }.sorted() ?? []
        if !windows.isEmpty {
            Swift.print(
                "kill storm: written recorded after the last byte drained in p50 \(windows[windows.count / 2]) µs,"
                    + " max \(windows.last ?? 0) µs over \(windows.count) copies")
        }
        Swift.print(
            "kill storm: \(Self.kills) kills in \(storm); after a cut the job was written \(afterCut.written),"
                + " sending \(afterCut.sending), confirmed \(afterCut.gone); \(dossiers.count) dossiers,"
                + " \(twice) printed twice (second marked), \(held.count) held")
    }

    /// Whole copies (cut) per tracking code, marked or not. A segment of paper may begin with
    /// the torn part of a copy a kill interrupted; the copy it ends with is the one of its
    /// last QR code, and it is marked when the reprint banner stands right before that copy's
    /// own first lines (see `isMarked`).
    static func copies(_ receipts: [EmulatedReceipt]) -> [String: (plain: Int, marked: Int)] {
        var counts: [String: (plain: Int, marked: Int)] = [:]
        for receipt in receipts where receipt.isCut {
            let elements = receipt.rendered.elements
            guard let lastQR = elements.lastIndex(where: { if case .qr = $0 { true } else { false } }),
                case .qr(let data, _, _, _) = elements[lastQR]
            else { continue }
            let code = String(decoding: data, as: UTF8.self)
            let codeLine =
                elements[..<lastQR].lastIndex {
                    if case .text(let line) = $0 {
                        line.text.trimmingCharacters(in: .whitespaces) == code
                    } else {
                        false
                    }
                } ?? lastQR
            let marked = Self.isMarked(elements[..<codeLine])
            var count = counts[code] ?? (0, 0)
            if marked { count.marked += 1 } else { count.plain += 1 }
            counts[code] = count
        }
        return counts
    }

    /// The national form's motto, on the third line or so of every receipt copy.
    static let copyStart = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"

    /// Whether the copy that ends at the end of `elements` (its code line) was printed under
    /// the reprint banner. Going back from its code line to its own motto line, then over at
    /// most three lines (the receiving unit and office) to the banner: a banner further back
    /// belongs to a torn copy before it (a kill after its banner and first lines), not to
    /// this one.
    static func isMarked(_ elements: ArraySlice<RenderedReceipt.Element>) -> Bool {
        var index = elements.endIndex
        var start: Int?
        while index > elements.startIndex {
            index -= 1
            if case .qr = elements[index] { return false }
            guard case .text(let line) = elements[index] else { continue }
            if line.text.contains(copyStart) {
                start = index
                break
            }
        }
        guard let start else { return false }
        var lines = 0
        index = start
        while index > elements.startIndex, lines <= 3 {
            index -= 1
            if case .qr = elements[index] { return false }
            guard case .text(let line) = elements[index] else { continue }
            if line.text.contains(ReprintBanner.title) { return true }
            if line.text.contains(copyStart)
                || TrackingCode(parsing: line.text.trimmingCharacters(in: .whitespaces)) != nil
            {
                return false
            }
            lines += 1
        }
        return false
    }

    /// Sends an intake; nil (and an issue recorded) when the socket never answered, so the
    /// caller still kills the process.
    static func sendIntake(_ kiosk: KioskdProcess, _ round: Int) async -> ControlLine? {
        guard let client = await ControlLine.connect(path: kiosk.directory.path + "/control.sock") else {
            Issue.record("round \(round): the control socket never answered")
            return nil
        }
        client.send(#"{"request":"intake","idCard":"\#(card)","procedure":"1.001234","id":\#(round)}"#)
        return client
    }

    /// Kills kioskd the moment a cut reaches the printer (10 s at most). The watch spins, so
    /// it runs on a thread of its own, never on the concurrency pool the other tests need.
    static func killAtCut(_ kiosk: KioskdProcess, after cuts: Int, pid: Int32) async {
        let printer = kiosk.printer
        _ = try? await NamedThread.run("test-killer") {
            let deadline = monotonicNanoseconds() + 10_000_000_000
            while printer.cutsReceived == cuts, monotonicNanoseconds() < deadline { usleep(100) }
            Glibc.kill(pid, SIGKILL)
        }
    }

    static func kill(_ process: TestProcess) {
        process.send(SIGKILL)
        process.waitUntilExit()
    }

    /// `written` when a job waits for its confirmation, else `sending` when one may be on its
    /// way to the printer, else `none`.
    static func lastJobStage(database: String) throws -> String {
        let db = try Database(path: database)
        defer { db.close() }
        let sql = "SELECT stage FROM print_jobs WHERE stage IN ('written', 'sending') ORDER BY stage DESC LIMIT 1"
        return try hasStage(db) ? try db.scalar(sql)?.text ?? "none" : "none"
    }

    static func hasStage(_ db: Database) throws -> Bool {
        try db.scalar("SELECT count(*) FROM pragma_table_info('print_jobs') WHERE name = 'stage'")?.integer == 1
    }

    static func launch(_ kiosk: KioskdProcess, log: String) throws -> TestProcess {
        let process = TestProcess()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.path("kioskd"))
        process.arguments = ["--config", kiosk.configPath]
        var environment = ProcessInfo.processInfo.environment
        environment["KIOSK_DATA_DIR"] = KioskdProcess.repository + "/Hardware"
        process.environment = environment
        let handle = FileHandle(forWritingAtPath: log)
        handle?.seekToEndOfFile()
        process.standardError = handle ?? FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// No print job left but held ones, and every event delivered.
    static func isSettled(database: String, kiosk: KioskdProcess) throws -> Bool {
        let db = try Database(path: database)
        defer { db.close() }
        // (A database of a kioskd from before print-once has no stage: every job counts.)
        let unheld = try hasStage(db) ? "stage <> 'held'" : "1"
        let jobs = try db.scalar("SELECT count(*) FROM print_jobs WHERE \(unheld)")?.integer ?? 1
        let pending = try db.scalar("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")?.integer ?? 1
        return jobs == 0 && pending == 0
    }

    static func dossierCodes(database: String) throws -> [String] {
        try strings("SELECT code FROM dossiers ORDER BY code", database: database)
    }

    static func heldJobCodes(database: String) throws -> Set<String> {
        let db = try Database(path: database)
        let staged = try hasStage(db)
        db.close()
        guard staged else { return [] }
        return Set(try strings("SELECT dossier_code FROM print_jobs WHERE stage = 'held'", database: database))
    }

    private static func strings(_ sql: String, database: String) throws -> [String] {
        let db = try Database(path: database)
        defer { db.close() }
        let statement = try db.prepare(sql)
        var values: [String] = []
        while try statement.step() == .row { values.append(statement.string(at: 0) ?? "") }
        return values
    }
}

/// A control-socket connection that sends request lines and never reads (the test judges by
/// what reaches the printer and the central, not by answers a kill may cut off).
final class ControlLine {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    /// Connects once the service listens (it may still be starting), or gives up after 60 s.
    static func connect(path: String) async -> ControlLine? {
        let deadline = ContinuousClock.now + .seconds(60)  // a restart on a loaded machine
        while ContinuousClock.now < deadline {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8) + [0]
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            if result == 0 { return ControlLine(fd: fd) }
            Glibc.close(fd)
            try? await Task.sleep(for: .milliseconds(2))
        }
        return nil
    }

    func send(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    func close() { Glibc.close(fd) }
}
