import KioskDevices
import Testing

@testable import KioskEmulators

/// The emulated printer's `DLE EOT` answers, read by the devices' real decoder: the stand-in
/// must say what a real Epson says, or every printer test built on it tests the wrong thing.
@Suite("Emulated printer status answers")
struct EmulatedPrinterStateTests {
    private func decoded(_ state: EmulatedPrinterState) throws -> PrinterStatus {
        let answers = try (1...4).map { n in try #require(state.answer(to: UInt8(n))) }
        #expect(answers.allSatisfy(PrinterStatus.isAnswer))
        return PrinterStatus(
            printer: answers[0], offlineCause: answers[1], errorCause: answers[2], paperSensor: answers[3])
    }

    @Test("each condition decodes to the printer state it stands for")
    func conditions() throws {
        #expect(try decoded(EmulatedPrinterState()).state == .ok)
        var nearEnd = EmulatedPrinterState()
        nearEnd.paperNearEnd = true
        #expect(try decoded(nearEnd).state == .paperNearEnd)
        var out = EmulatedPrinterState()
        out.paperOut = true
        #expect(try decoded(out).state == .paperOut)
        var cover = EmulatedPrinterState()
        cover.coverOpen = true
        #expect(try decoded(cover).state == .coverOpen)
        var jammed = EmulatedPrinterState()
        jammed.error = true
        let status = try decoded(jammed)
        #expect(status.state == .offline)
        #expect(status.errorCauses.contains(.autocutter))
    }

    @Test("a status request it does not know gets no answer, as a real printer's")
    func unknownRequest() {
        #expect(EmulatedPrinterState().answer(to: 5) == nil)
    }
}
