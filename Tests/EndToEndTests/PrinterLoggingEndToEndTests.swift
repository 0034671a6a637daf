import Foundation
import Testing

/// What a technician reads in the journal about the printer: its state at start (even when
/// it is fine), each change once with what to do, and each print's result.
@Suite(.serialized) struct PrinterLoggingEndToEndTests {
    @Test func printerStateAtStartEachChangeOnceAndEachPrint() async throws {
        let kiosk = try KioskdProcess()
        try kiosk.start()
        #expect(await kiosk.waitForLog("printer ok"), "the printer's state at start is not logged")

        kiosk.printer.update { $0.paperOut = true }
        // The idle check runs every few seconds; a status request makes the link ask now.
        let client = try #require(await ControlLine.connect(path: kiosk.directory.path + "/control.sock"))
        client.send(#"{"request":"intake","idCard":"\#(PrintOnceKillStormTests.card)","procedure":"1.001234"}"#)
        #expect(await kiosk.waitForLog("printer paper-out"))
        let paperOut = kiosk.log.filter { $0.contains("printer paper-out") }
        #expect(paperOut.count == 1)
        #expect(paperOut.first?.contains("do=\"load a new paper roll\"") == true)

        kiosk.printer.update { $0.paperOut = false }
        client.send(#"{"request":"intake","idCard":"\#(PrintOnceKillStormTests.card)","procedure":"1.001234"}"#)
        #expect(await kiosk.waitForLog("printer ok", after: "printer paper-out"))
        #expect(await kiosk.waitForLog("print kind=intake-receipt"))
        let printed = kiosk.log.first { $0.contains("print kind=intake-receipt") } ?? ""
        #expect(printed.contains("bytes=") && printed.contains("outcome=printed") && printed.contains("job="))
        client.close()
        await kiosk.stop()
        #expect(kiosk.log.filter { $0.contains("printer paper-out") }.count == 1)
        for line in kiosk.log {
            #expect(!line.contains("001094012345") && !line.contains("Nguyễn Bá Hoàng"), "personal data: \(line)")
        }
    }
}
