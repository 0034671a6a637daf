import ESCPOS
import KioskDevices
import KioskEmulators
import KioskTestRigs
import Testing

@Suite("Automatic Status Back: told apart from DLE EOT and GS r answers, decoded, pushed by the emulator")
struct PrinterAutomaticStatusTests {
    @Test("one stream of DLE EOT answers, GS r answers, ASB messages and XON/XOFF sorts into each")
    func sorting() {
        var filter = PrinterReplyFilter()
        // DLE EOT answer; ASB paper out (split by XOFF); GS r answer; ASB cover open + cutter.
        let stream: [UInt8] = [0x12, 0x18, 0x13, 0x00, 0x0F, 0x00, 0x00, 0x16, 0x38, 0x08, 0x00, 0x00]
        let replies = stream.compactMap { filter.classify($0) }
        #expect(replies.count == 5)
        #expect(replies[0] == .realtime(0x12))
        guard case .automatic(let paperOut) = replies[1] else {
            Issue.record("no ASB message: \(replies)")
            return
        }
        #expect(paperOut.state == .paperOut && !paperOut.online)
        #expect(replies[2] == .processed(0x00))
        #expect(replies[3] == .realtime(0x16))
        guard case .automatic(let cover) = replies[4] else {
            Issue.record("no second ASB message: \(replies)")
            return
        }
        #expect(cover.state == .coverOpen && cover.errorCauses == [.autocutter])
        // A message cut short is dropped; the byte that cut it counts as what it is.
        var cut = PrinterReplyFilter()
        #expect([0x10, 0x00, 0x12].compactMap { cut.classify($0) } == [.realtime(0x12)])
    }

    @Test("a link with ASB learns paper out and paper back pushed, without asking, and prints again")
    func linkFollowsPushes() async throws {
        let rig = try PrinterRig(automaticStatusBack: true)
        #expect(await rig.link.status() == .ok)
        #expect(rig.link.statusReport.pushed)
        #expect(rig.emulator.events.contains(.pushedStatus([0x10, 0, 0, 0])))
        let asked = rig.emulator.realtimeRequestsReceived
        let states = rig.link.stateChanges()
        rig.emulator.update { $0.paperOut = true }
        var iterator = states.makeAsyncIterator()
        while let state = await iterator.next(), state != .paperOut {}
        #expect(await rig.link.status() == .paperOut)
        do {
            _ = try await rig.link.print(ESCPOSEncoder.encode(PrinterRig.receipt(), profile: rig.profile))
            Issue.record("printed with the paper out")
        } catch {
            #expect(error.state == .paperOut)
        }
        #expect(rig.emulator.realtimeRequestsReceived == asked)
        rig.emulator.update { $0.paperOut = false }
        while let state = await iterator.next(), state != .ok {}
        let outcome = try await rig.link.print(ESCPOSEncoder.encode(PrinterRig.receipt(), profile: rig.profile))
        #expect(outcome.isPrinted)
        #expect(rig.emulator.realtimeRequestsReceived == asked)
        await rig.shutDown()
    }
}
