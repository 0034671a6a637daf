import Foundation
import KioskDevices
import Testing

/// `KIOSK:TEST-PAGE` and `KIOSK:STATUS` scanned at the real kioskd (`TechnicianCodes=yes`):
/// each prints at the emulated printer through the same print jobs as every other slip.
@Suite(.serialized) struct TechnicianCodesEndToEndTests {
    @Test func testPageScanPrintsTheTestPage() async throws {
        let rig = try await KioskFlowsEndToEndTests.Rig.start()
        try await rig.scan("KIOSK:TEST-PAGE")
        let receipts = await rig.kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60))
        await rig.stop()
        #expect(receipts.count == 1)
        let text = receipts.first?.text ?? ""
        #expect(text.contains("KIOSK TEST PAGE"))
        #expect(text.contains("CODE128:"))
        #expect(rig.kiosk.log.contains { $0.contains("scan handled") && $0.contains("outcome=technician-test-page") })
    }

    @Test func statusScanPrintsTheKiosksStatus() async throws {
        let rig = try await KioskFlowsEndToEndTests.Rig.start()
        try await rig.scan("KIOSK:STATUS")
        let receipts = await rig.kiosk.printer.waitForReceipts(count: 1, timeout: .seconds(60))
        await rig.stop()
        #expect(receipts.count == 1)
        let text = receipts.first?.text ?? ""
        #expect(text.contains("KIOSK STATUS"))
        #expect(text.contains(KioskdProcess.kioskId))
        #expect(text.contains("Version: "))
        #expect(text.contains("Printer: ok (epson-tm-t20iii)"))
        #expect(text.contains("Scanner: ok"))
        #expect(text.contains("Backlog: "))
        #expect(text.contains("Last delivery: "))
        #expect(text.contains("Network: "))
    }
}
