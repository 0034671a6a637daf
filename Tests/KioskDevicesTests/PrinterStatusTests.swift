import ESCPOS
import KioskDevices
import KioskEmulators
import KioskTestRigs
import Testing

@Suite("Printer status decoding and reply filter")
struct PrinterStatusTests {
    @Test("Epson answer bytes decode to each state")
    func decode() {
        let ready = PrinterStatus(printer: 0x12, offlineCause: 0x12, errorCause: 0x12, paperSensor: 0x12)
        #expect(ready.state == .ok)
        #expect(ready.online)
        let nearEnd = PrinterStatus(printer: 0x12, offlineCause: 0x12, errorCause: 0x12, paperSensor: 0x1E)
        #expect(nearEnd.state == .paperNearEnd)
        #expect(nearEnd.state.canPrint)
        let paperOut = PrinterStatus(printer: 0x1A, offlineCause: 0x32, errorCause: 0x12, paperSensor: 0x7E)
        #expect(paperOut.state == .paperOut)
        #expect(paperOut.paperEnd && !paperOut.online)
        let cover = PrinterStatus(printer: 0x1A, offlineCause: 0x16, errorCause: 0x12, paperSensor: 0x12)
        #expect(cover.state == .coverOpen)
        #expect(!cover.state.canPrint)
        let cutter = PrinterStatus(printer: 0x1A, offlineCause: 0x52, errorCause: 0x1A, paperSensor: 0x12)
        #expect(cutter.state == .offline)
        #expect(cutter.errorCauses == [.autocutter])
        #expect(cutter.description == "offline (error: autocutter)")
        let hot = PrinterStatus(printer: 0x1A, offlineCause: 0x52, errorCause: 0x52, paperSensor: 0x12)
        #expect(hot.errorCauses == [.autoRecoverable])
        let offline = PrinterStatus(printer: 0x1A, offlineCause: 0x12, errorCause: 0x12, paperSensor: 0x12)
        #expect(offline.state == .offline)
    }

    @Test("health strings are exactly the protocol's")
    func healthStrings() {
        #expect(
            PrinterState.allCases.map(\.rawValue) == [
                "ok", "paper-near-end", "paper-out", "cover-open", "offline", "missing",
            ])
    }

    @Test("answers have mask 0x93 == 0x12; XON, XOFF and ASB blocks never pass the filter")
    func filter() {
        #expect(PrinterStatus.isAnswer(0x12))
        #expect(PrinterStatus.isAnswer(0x7E))
        #expect(!PrinterStatus.isAnswer(0x11))
        #expect(!PrinterStatus.isAnswer(0x13))
        #expect(!PrinterStatus.isAnswer(0x10))
        var f = PrinterReplyFilter()
        // XOFF, an ASB block (header 0x14, three data bytes), XON, garbage 0xFF, then the answer.
        let stream: [UInt8] = [0x13, 0x14, 0x00, 0x0C, 0x60, 0x11, 0xFF, 0x1E]
        let answers = stream.compactMap { f.feed($0) }
        #expect(answers == [0x1E])
        // Any byte that is not an answer is dropped: of all 256 values, exactly the mask's pass.
        var all = PrinterReplyFilter()
        let passed = (0...255).map(UInt8.init).filter { all.feed($0) != nil || false }
        #expect(passed.allSatisfy(PrinterStatus.isAnswer))
        #expect(!passed.contains(0x11) && !passed.contains(0x13))
    }
}

@Suite("Printer status through the emulator")
struct PrinterStatusEmulatorTests {
    @Test("each emulated state reads back as its health state")
    func states() async throws {
        let rig = try PrinterRig()
        var cases: [(EmulatedPrinterState, PrinterState)] = []
        cases.append((EmulatedPrinterState(), .ok))
        var s = EmulatedPrinterState()
        s.paperNearEnd = true
        cases.append((s, .paperNearEnd))
        s = EmulatedPrinterState()
        s.paperOut = true
        cases.append((s, .paperOut))
        s = EmulatedPrinterState()
        s.coverOpen = true
        cases.append((s, .coverOpen))
        s = EmulatedPrinterState()
        s.error = true
        cases.append((s, .offline))
        for (script, expected) in cases {
            rig.emulator.setState(script)
            let state = await rig.link.status()
            #expect(state == expected, "script \(script)")
        }
        await rig.shutDown()
    }

    @Test("XON/XOFF, an ASB block and a stale answer before the answers do not change the reading")
    func noise() async throws {
        let rig = try PrinterRig()
        rig.emulator.update {
            $0.paperNearEnd = true
            // 0x7E would read as paper out if it were taken for the first answer.
            $0.noiseBeforeNextAnswer = [0x13, 0x14, 0x00, 0x00, 0x00, 0x11, 0x7E]
        }
        let state = await rig.link.status()
        #expect(state == .paperNearEnd)
        #expect(rig.emulator.state.noiseBeforeNextAnswer.isEmpty)
        await rig.shutDown()
    }

    @Test("a printer that never answers reads offline within the timeout")
    func silent() async throws {
        let rig = try PrinterRig()
        rig.emulator.update { $0.answersStatus = false }
        let state = await rig.link.status()
        #expect(state == .offline)
        #expect(rig.link.lastKnownDetail?.contains("no answer to DLE EOT 1") == true)
        do {
            _ = try await rig.link.print([0x1B, 0x40, 0x41, 0x0A])
            Issue.record("printed to a printer that does not answer")
        } catch {
            #expect(error.state == .offline)
        }
        await rig.shutDown()
    }

    @Test("Status=no: never asks, takes the open port as ready")
    func statusOff() async throws {
        let rig = try PrinterRig(asksStatus: false)
        rig.emulator.update { $0.answersStatus = false }
        let state = await rig.link.status()
        #expect(state == .ok)
        #expect(rig.emulator.bytesReceived == 0)
        let outcome = try await rig.link.print(ESCPOSEncoder.encode(PrinterRig.receipt(), profile: rig.profile))
        #expect(outcome.isPrinted)
        let receipts = await rig.emulator.waitForReceipts(count: 1)
        #expect(receipts.count == 1)
        #expect(
            !rig.emulator.receipts[0].rendered.elements.contains { if case .statusRequest = $0 { true } else { false } }
        )
        await rig.shutDown()
    }
}
