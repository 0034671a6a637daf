import ESCPOS
import Foundation
import KioskDevices
import KioskEmulators
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM finishes the receipt in progress; SIGHUP reloads without losing a job, and a broken
/// configuration keeps the old one working.
@Suite(.serialized) struct SignalsEndToEndTests {
    let card = KioskFlowsEndToEndTests.card

    @Test func sigtermFinishesTheReceiptInProgressThenExits() async throws {
        // A profile without a Vietnamese code page at 9600 baud: the receipt (about 3.5 KB with
        // user-defined characters) takes over 3 s on the paced wire, so the test still catches
        // it in progress when a loaded machine delays it by a second or two.
        let kiosk = try KioskdProcess(profile: "generic-80mm", scannerMode: "evdev", baud: 9600)
        let scanner = try ScannerFIFO(path: kiosk.directory.path + "/scanner")
        try kiosk.start()
        #expect(await kiosk.waitForLog("scanner ok"))
        #expect(await kiosk.waitForLog("printer ok"))
        try scanner.scan(card)
        try scanner.scan("1.001234")
        // Wait for the first bytes of the receipt, then ask kioskd to stop mid-receipt.
        let deadline = ContinuousClock.now + .seconds(10)
        while kiosk.printer.bytesReceived < 600, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(kiosk.printer.receipts.isEmpty, "the receipt finished before SIGTERM; the test needs a slower line")
        let stopAt = ContinuousClock.now
        kiosk.signal(SIGTERM)
        let status = await kiosk.waitForExit(timeout: .seconds(8))
        #expect(status == 0)
        #expect(ContinuousClock.now - stopAt < .seconds(5))
        // The emulator tells a receipt once its line has been quiet a moment.
        let receipts = await kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(10))
        #expect(receipts.count == 1)
        #expect(receipts.first?.isCut == true)
        // And the job left the table: it will not print again at the next start.
        #expect(try KioskFlowsEndToEndTests.count("SELECT count(*) FROM print_jobs", kiosk.databasePath) == 0)
        await kiosk.stop()
    }

    @Test func sighupMovesThePrinterAndABrokenConfigKeepsTheOldOne() async throws {
        let kiosk = try KioskdProcess(scannerMode: "evdev")
        let scanner = try ScannerFIFO(path: kiosk.directory.path + "/scanner")
        try kiosk.start()
        #expect(await kiosk.waitForLog("scanner ok"))
        #expect(await kiosk.waitForLog("printer ok"))

        // A broken configuration: refused with its file and line, the old one keeps working.
        let good = try String(contentsOfFile: kiosk.configPath, encoding: .utf8)
        try Data((good + "\n[Printer]\nBaud=12345\n").utf8).write(to: URL(fileURLWithPath: kiosk.configPath))
        kiosk.signal(SIGHUP)
        #expect(await kiosk.waitForLog("reload refused: keeping the configuration in use"))
        #expect(kiosk.log.contains { $0.contains("reload refused") && $0.contains("kiosk.conf:") })
        try scanner.scan(card)
        try scanner.scan("1.001234")
        #expect(await kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60)).count == 1)

        // The printer moves to another port: after SIGHUP the next receipt prints there.
        let profile = try PrinterProfile.load(
            named: "epson-tm-t20iii", from: KioskdProcess.repository + "/Hardware/printers")
        let moved = try EmulatedPrinter(profile: profile, devicePath: kiosk.directory.path + "/printer2")
        try kiosk.writeConfig(printerDevice: kiosk.directory.path + "/printer2", scannerMode: "evdev")
        kiosk.signal(SIGHUP)
        #expect(await kiosk.waitForLog("configuration reloaded"))
        // Only the printer moved: the scanner stays open, the printer is reopened.
        let reloaded = kiosk.log.first { $0.contains("configuration reloaded") } ?? ""
        #expect(reloaded.contains("scanner=\"kept open\"") && reloaded.contains("printer=reopened"), "\(reloaded)")
        try scanner.scan(card)
        try scanner.scan("1.001234")
        #expect(await moved.waitForReceipts(count: 1, timeout: .seconds(60)).count == 1)
        #expect(kiosk.printer.receipts.count == 1)
        #expect(try KioskFlowsEndToEndTests.count("SELECT count(*) FROM dossiers", kiosk.databasePath) == 2)
        await moved.stop()
        await kiosk.stop()
    }

    @Test func sighupStormWhileIntakesRunKeepsDevicesOpenAndRefusesNoIntake() async throws {
        // Scanned intakes, then a front end's over the control socket, while SIGHUPs rain.
        let kiosk = try KioskdProcess(scannerMode: "evdev")
        let scanner = try ScannerFIFO(path: kiosk.directory.path + "/scanner")
        try kiosk.start()
        #expect(await kiosk.waitForLog("scanner ok"))
        // A SIGHUP every 20 ms for as long as the intakes run (the pacing is the storm's
        // shape, not a synchronisation).
        let storm = Task {
            while !Task.isCancelled {
                kiosk.signal(SIGHUP)
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        let intakes = 15
        func handled() -> Int { kiosk.log.filter { $0.contains("scan handled") || $0.contains("scan refused") }.count }
        for _ in 0..<intakes {
            for scan in [card, "1.001234"] {
                let before = handled()
                try scanner.scan(scan)
                let deadline = ContinuousClock.now + .seconds(60)
                while handled() == before, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
        }
        // A front end's intakes over the control socket, on one connection, during the storm.
        let client = try ControlLineClient(socketPath: kiosk.directory.path + "/control.sock")
        let request =
            #"{"request":"intake","idCard":""# + card + #"","procedure":"1.001234"}"#
        var answers: [String] = []
        for _ in 0..<intakes { answers.append(client.ask(request) ?? "no answer") }
        storm.cancel()
        let failed = answers.filter { !$0.contains(#""ok":true"#) }
        #expect(failed.isEmpty, "\(failed)")
        let reloads = kiosk.log.filter { $0.contains("configuration reloaded") }
        #expect(reloads.count >= 5, "the storm reloaded \(reloads.count) times")
        #expect(
            reloads.allSatisfy {
                $0.contains("printer=\"kept open\"") && $0.contains("scanner=\"kept open\"")
                    && $0.contains("control-socket=\"kept open\"")
            })
        let refusals = kiosk.log.filter { $0.contains("scan refused") }
        #expect(refusals.isEmpty, "\(refusals)")
        #expect(
            try KioskFlowsEndToEndTests.count("SELECT count(*) FROM dossiers", kiosk.databasePath) == 2 * intakes)
        #expect(
            await kiosk.printer.waitForReceipts(count: 2 * intakes, timeout: .seconds(120)).count == 2 * intakes)
        #expect(!kiosk.log.contains { $0.contains("scanner missing") })
        await kiosk.stop()
    }
}
