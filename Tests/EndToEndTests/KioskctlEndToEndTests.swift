import Foundation
import KioskDomain
import KioskSQLite
import KioskStore
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `kioskctl` against the real `kioskd` (emulated printer on a pseudo-terminal,
/// FIFO scanner, loopback central) and against database files, as a technician runs it.
@Suite(.serialized) struct KioskctlEndToEndTests {
    typealias Outcome = ToolRun.Outcome

    /// Runs the built kioskctl, optionally as another user (`setpriv`), and collects its output.
    static func kioskctl(_ arguments: [String], as user: (uid: UInt32, gid: UInt32, groups: [UInt32])? = nil)
        async throws -> Outcome
    {
        try await ToolRun.run(BuiltProducts.path("kioskctl"), arguments, as: user)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A kioskd whose scanner (a FIFO) and printer (the emulator) are both there.
    static func startHealthyKiosk() async throws -> (KioskdProcess, ScannerFIFO) {
        let kiosk = try KioskdProcess(scannerMode: "evdev")
        let scanner = try ScannerFIFO(path: kiosk.directory.path + "/scanner")
        try kiosk.start()
        #expect(await kiosk.waitForLog("kioskd started"))
        #expect(await kiosk.waitForLog("scanner ok"))
        #expect(await kiosk.waitForLog("control socket listening"))
        return (kiosk, scanner)
    }

    @Test func statusExitCodesForHealthyPaperOutAndStopped() async throws {
        let (kiosk, scanner) = try await Self.startHealthyKiosk()
        let healthy = try await Self.kioskctl(["status", "--json", "--config", kiosk.configPath])
        #expect(healthy.status == 0, "\(healthy.output)\(healthy.errors)")
        #expect(try Self.json(healthy.output)["verdict"] as? String == "healthy")

        kiosk.printer.update { $0.paperOut = true }
        let paperOut = try await Self.kioskctl(["status", "--config", kiosk.configPath])
        #expect(paperOut.status == 1)
        #expect(paperOut.output.hasPrefix("degraded: printer paper-out"), "\(paperOut.output)")
        let paperOutJSON = try await Self.kioskctl(["status", "--json", "--config", kiosk.configPath])
        #expect(paperOutJSON.status == 1)
        #expect(try Self.json(paperOutJSON.output)["verdict"] as? String == "degraded")
        #expect((try Self.json(paperOutJSON.output)["problems"] as? [String])?.contains("printer paper-out") == true)

        await kiosk.stop()
        withExtendedLifetime(scanner) {}
        let stopped = try await Self.kioskctl(["status", "--config", kiosk.configPath])
        #expect(stopped.status == 3)
        #expect(stopped.output.hasPrefix("not-running"))
        // Stopped: the database is read read-only, and shown.
        #expect(stopped.output.contains("(read-only)"), "\(stopped.output)")
        let quiet = try await Self.kioskctl(["status", "--quiet", "--config", kiosk.configPath])
        #expect(quiet.status == 3)
        #expect(quiet.output.isEmpty)
    }

    @Test func statusExitsOneWhenThePrinterIsMissing() async throws {
        let kiosk = try KioskdProcess(scannerMode: "evdev")
        let scanner = try ScannerFIFO(path: kiosk.directory.path + "/scanner")
        try kiosk.writeConfig(printerDevice: kiosk.directory.path + "/no-printer", scannerMode: "evdev")
        try kiosk.start()
        #expect(await kiosk.waitForLog("control socket listening"))
        #expect(await kiosk.waitForLog("scanner ok"))
        let status = try await Self.kioskctl(["status", "--json", "--config", kiosk.configPath])
        #expect(status.status == 1)
        let report = try Self.json(status.output)
        #expect(report["verdict"] as? String == "degraded")
        #expect((report["problems"] as? [String])?.contains("printer missing") == true, "\(status.output)")
        await kiosk.stop()
        withExtendedLifetime(scanner) {}
    }

    @Test(.enabled(if: getuid() == 0, "needs root to run kioskctl as another user"))
    func queueListThroughTheServiceAsAMemberOfTheSocketGroup() async throws {
        let kiosk = try KioskdProcess()
        // The socket's group: one that exists on any Debian machine, standing in for kiosk-tech.
        let group = try #require(getgrnam("dialout")).pointee.gr_gid
        let config = try String(contentsOfFile: kiosk.configPath, encoding: .utf8)
        try config.replacingOccurrences(of: "[Control]\n", with: "[Control]\nGroup=dialout\n")
            .write(toFile: kiosk.configPath, atomically: true, encoding: .utf8)
        try kiosk.start()
        #expect(await kiosk.waitForLog("control socket listening"))
        // The state directory is kioskd's alone: only the socket can answer a technician.
        #expect(chmod(kiosk.directory.path + "/state", 0o700) == 0)
        let technician = (uid: UInt32(65534), gid: UInt32(65534), groups: [UInt32(group)])
        let list = try await Self.kioskctl(["queue", "list", "--config", kiosk.configPath], as: technician)
        #expect(list.status == 0, "\(list.errors)")
        #expect(list.output.contains("event(s) waiting for the central server"))
        let dead = try await Self.kioskctl(["queue", "dead", "--json", "--config", kiosk.configPath], as: technician)
        #expect(dead.status == 0, "\(dead.errors)")
        #expect((try JSONSerialization.jsonObject(with: Data(dead.output.utf8)) as? [Any])?.isEmpty == true)
        let requeue = try await Self.kioskctl(
            ["queue", "requeue", "--all", "--config", kiosk.configPath], as: technician)
        #expect(requeue.status == 0, "\(requeue.errors)")
        #expect(await kiosk.waitForLog("dead letters requeued"))
        #expect(kiosk.log.contains { $0.contains("dead letters requeued") && $0.contains("uid=65534") })
        // Not in the group: told so, not "no database".
        let outsider = try await Self.kioskctl(
            ["queue", "list", "--config", kiosk.configPath], as: (uid: 65534, gid: 65534, groups: []))
        #expect(outsider.status != 0)
        #expect(outsider.errors.contains("permission denied: add yourself to group dialout"), "\(outsider.errors)")
        await kiosk.stop()
        // Stopped, the same technician cannot open the database: a permission problem, said so.
        let stopped = try await Self.kioskctl(["queue", "list", "--config", kiosk.configPath], as: technician)
        #expect(stopped.status == 1)
        #expect(stopped.errors.contains("permission denied"), "\(stopped.errors)")
        #expect(!stopped.errors.contains("has not run"))
    }

    /// Issue 11: a print job held for a technician (it kept failing, or a crash interrupted its
    /// reprint) is shown by `kioskctl queue held`, with its reason, and `queue list` says so.
    @Test func aHeldPrintJobIsShownWithItsReason() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/kiosk.db"
        let store = try KioskStore(path: path)
        let job = try await store.enqueuePrintJob(
            PrintJobDraft(kind: "intake-receipt", payload: [0x1B, 0x40]), dossierCode: nil)
        try await store.holdPrintJob(id: job.id, reason: "3 copies failed: printer cover open")
        _ = try await store.enqueuePrintJob(
            PrintJobDraft(kind: "status-slip", payload: [0x1B, 0x40]), dossierCode: nil)
        await store.close()
        let socket = ["--socket", directory.path + "/none.sock"]
        let held = try await Self.kioskctl(["queue", "held", "--json", "--db", path] + socket)
        #expect(held.status == 0, "\(held.errors)")
        let rows = try JSONSerialization.jsonObject(with: Data(held.output.utf8)) as? [[String: Any]] ?? []
        #expect(rows.count == 1)
        #expect(rows.first?["id"] as? Int == Int(job.id))
        #expect(rows.first?["heldReason"] as? String == "3 copies failed: printer cover open")
        let list = try await Self.kioskctl(["queue", "list", "--db", path] + socket)
        #expect(list.output.contains("1 print job(s) held for a technician"), "\(list.output)")
    }

    @Test func aDatabaseOfANewerSchemaIsRefusedAndLeftAsItWas() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/kiosk.db"
        let store = try KioskStore(path: path)
        await store.close()
        let db = try Database(path: path)
        try db.setUserVersion(KioskStore.schemaVersion + 1)
        db.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let socket = ["--socket", directory.path + "/none.sock"]
        for command in [["queue", "list"], ["queue", "dead"], ["queue", "held"], ["status"]] {
            let outcome = try await Self.kioskctl(command + ["--db", path] + socket)
            #expect(outcome.status != 0)
            #expect(
                (outcome.errors + outcome.output).contains("schema version \(KioskStore.schemaVersion + 1), newer"),
                "\(command): \(outcome.errors)\(outcome.output)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        // An older one is refused too (kioskctl never migrates).
        let older = try Database(path: path)
        try older.setUserVersion(KioskStore.schemaVersion - 1)
        older.close()
        let outcome = try await Self.kioskctl(["queue", "list", "--db", path] + socket)
        #expect(outcome.status == 1)
        #expect(outcome.errors.contains("older than this program's"))
    }

    @Test func theSupportReportHoldsNoPersonalData() async throws {
        let (kiosk, scanner) = try await Self.startHealthyKiosk()
        for text in [KioskFlowsEndToEndTests.card, "1.001234"] {
            let before = kiosk.log.filter { $0.contains("scan handled") }.count
            try scanner.scan(text)
            let deadline = ContinuousClock.now + .seconds(60)
            while kiosk.log.filter({ $0.contains("scan handled") }).count == before, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        #expect(await kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60)).count == 1)
        let running = try await Self.kioskctl(["report", "--config", kiosk.configPath])
        #expect(running.status == 0, "\(running.errors)")
        for section in [
            "== versions ==", "== status ==", "== queue ==", "== configuration", "== devices ==", "journal",
        ] {
            #expect(running.output.contains(section), "\(section)")
        }
        // journalctl ran (ChildProcess), or is not installed; it never failed to start.
        #expect(!running.output.contains("journalctl failed"), "\(running.output)")
        #expect(running.output.contains("verdict: healthy") || running.output.contains("verdict: degraded"))
        #expect(running.output.contains("[Kiosk] Id=\(KioskdProcess.kioskId)"))
        await kiosk.stop()
        withExtendedLifetime(scanner) {}
        // Stopped: the database is read directly (read-only); still nothing personal.
        let file = kiosk.directory.path + "/report.txt"
        let stopped = try await Self.kioskctl(["report", "--config", kiosk.configPath, "--out", file])
        #expect(stopped.status == 0, "\(stopped.errors)")
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(written.contains("verdict: not-running"))
        #expect(written.contains("pending"))
        var info = stat()
        #expect(stat(file, &info) == 0 && info.st_mode & 0o077 == 0)
        for report in [running.output, written] {
            for item in KioskFlowsEndToEndTests.personalData {
                #expect(!report.contains(item), "personal data in the report: \(item)")
            }
        }
    }

    @Test func withKioskdStoppedDeadLettersAreReadReadOnlyAndARequeueIsRefused() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/kiosk.db"
        let store = try KioskStore(path: path)
        let event = try await store.appendEvent(
            type: "dossier.received", data: Array(#"{"applicant":{"idNumber":"001094012345"}}"#.utf8),
            occurredAt: Timestamp(unixSeconds: 1_780_000_000))
        try await store.moveToDeadLetters(
            event, reason: "rejected: unknown procedure", at: Timestamp(unixSeconds: 1_780_000_100))
        await store.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let socket = ["--socket", directory.path + "/none.sock"]
        let dead = try await Self.kioskctl(["queue", "dead", "--json", "--db", path] + socket)
        #expect(dead.status == 0, "\(dead.errors)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(dead.output.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["id"] as? String } == [event.id])
        #expect(rows.first?["deadReason"] as? String == "rejected: unknown procedure")
        #expect(!dead.output.contains("001094012345"))  // event data is never shown
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)  // read-only

        // The queue has one writer, kioskd: without it a requeue is refused, saying what to do,
        // and the database is not opened for writing (its bytes, WAL and all, stay as they were).
        let config = directory.path + "/kiosk.conf"
        try Data(
            "[Kiosk]\nId=YB-TEST-01\nOffice=X\nStateDirectory=\(directory.path)\n[Control]\nSocket=\(socket[1])\n".utf8
        ).write(to: URL(fileURLWithPath: config))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        for command in [["queue", "requeue", event.id], ["queue", "requeue", "--all", "--json"]] {
            let requeue = try await Self.kioskctl(command + ["--config", config])
            #expect(requeue.status == 69, "\(command): \(requeue.errors)")
            #expect(requeue.output.isEmpty)
            #expect(requeue.errors.contains("kioskd is not running"), "\(requeue.errors)")
            #expect(requeue.errors.contains("start it (`systemctl start kioskd`) and run `kioskctl queue requeue "))
            #expect(requeue.errors.contains("the queue has one writer, the service"))
        }
        let named = try await Self.kioskctl(["queue", "requeue", "--all", "--db", path] + socket)
        #expect(named.status == 2)
        #expect(named.errors.contains("kioskctl never writes the database"), "\(named.errors)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == files)
        let reopened = try KioskStore(existing: path)
        #expect(try await reopened.deadLetters(limit: 10).map(\.event.id) == [event.id])
        #expect(try await reopened.pendingEvents(limit: 10).isEmpty)
        await reopened.close()
    }

    @Test func aMissingDatabaseIsNotAPermissionProblem() async throws {
        let directory = try TemporaryDirectory()
        let outcome = try await Self.kioskctl([
            "queue", "list", "--db", directory.path + "/kiosk.db", "--socket", directory.path + "/none.sock",
        ])
        #expect(outcome.status == 1)
        #expect(outcome.errors.contains("no database at \(directory.path)/kiosk.db: kioskd has not run"))
    }
}
