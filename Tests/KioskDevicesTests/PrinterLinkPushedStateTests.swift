import ESCPOS
import KioskDevices
import KioskTestRigs
import Testing

@Suite("The printer's pushed state, read without a hand-off to the link's thread")
struct PrinterLinkPushedStateTests {
    @Test("with ASB: the pushed ready state is read at once; a pushed fault or a stopped link is asked instead")
    func pushedReadyState() async throws {
        let rig = try PrinterRig(automaticStatusBack: true)
        #expect(await rig.link.status() == .ok)
        #expect(rig.link.pushedReadyState == .ok)
        let states = rig.link.stateChanges()
        var iterator = states.makeAsyncIterator()
        rig.emulator.update { $0.paperOut = true }
        while let state = await iterator.next(), state != .paperOut {}
        // A fault is not answered from here: the caller asks (the paper may be back already).
        #expect(rig.link.pushedReadyState == nil)
        rig.emulator.update { $0.paperOut = false }
        while let state = await iterator.next(), state != .ok {}
        #expect(rig.link.pushedReadyState == .ok)
        await rig.shutDown()
        #expect(rig.link.pushedReadyState == nil)
    }

    @Test("without ASB nothing stands for asking: every decision asks the printer")
    func noPushWithoutASB() async throws {
        let rig = try PrinterRig(automaticStatusBack: false)
        #expect(await rig.link.status() == .ok)
        #expect(rig.link.pushedReadyState == nil)
        await rig.shutDown()
    }

    @Test("a job started without waiting is written in turn and its transfer and check come back")
    func startSend() async throws {
        let rig = try PrinterRig()
        #expect(await rig.link.status() == .ok)
        let one = ESCPOSEncoder.encode(PrinterRig.receipt(name: "Lê Văn Một"), profile: rig.profile)
        let two = ESCPOSEncoder.encode(PrinterRig.receipt(name: "Lê Văn Hai"), profile: rig.profile)
        let first = rig.link.startSend(one)
        let second = rig.link.startSend(two)
        let (transfer, confirmation) = try await first.sent()
        #expect(transfer == .written(bytes: one.count))
        #expect(await confirmation?.outcome.isPrinted == true)
        #expect(try await second.sent().transfer == .written(bytes: two.count))
        let receipts = await rig.emulator.waitForReceipts(count: 2)
        #expect(receipts.map { $0.text.contains("Lê Văn Một") } == [true, false])
        #expect(receipts.last?.text.contains("Lê Văn Hai") == true)
        await rig.shutDown()
        // A stopped link sends nothing: the refusal comes back at once.
        await #expect(throws: PrintRefusal.self) { try await rig.link.startSend([0x0A]).sent() }
    }
}
