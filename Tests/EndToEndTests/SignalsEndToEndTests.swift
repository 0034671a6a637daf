import ESCPOS
import Foundation
import KioskDevices
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM finishes the receipt in progress; SIGHUP reloads without losing a job, and a broken
/// configuration keeps the old one working.
@Suite(.serialized) struct SignalsEndToEndTests {
    let card = KioskFlowsEndToEndTests.card

    @Test func sigtermFinishesTheReceiptInProgressThenExits() async throws {
        // A raster-heavy profile at 38400 baud: the receipt takes over a second on the wire.
        let kiosk = try KioskdProcess(profile: "generic-80mm", scannerMode: "evdev", baud: 38400)
        let scanner = try ScannerFIFO(path: kiosk.directory.path + "/scanner")
        try kiosk.start()
        #expect(await kiosk.waitForLog("scanner ok"))
        try await Task.sleep(for: .milliseconds(300))
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
        try await Task.sleep(for: .milliseconds(300))

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
        #expect(await kiosk.waitForLog("scanner ok", after: "configuration reloaded"))
        try await Task.sleep(for: .milliseconds(300))
        try scanner.scan(card)
        try scanner.scan("1.001234")
        #expect(await moved.waitForReceipts(count: 1, timeout: .seconds(60)).count == 1)
        #expect(kiosk.printer.receipts.count == 1)
        #expect(try KioskFlowsEndToEndTests.count("SELECT count(*) FROM dossiers", kiosk.databasePath) == 2)
        await moved.stop()
        await kiosk.stop()
    }
}
