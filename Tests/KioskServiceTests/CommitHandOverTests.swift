import Dispatch
import ESCPOS
import Foundation
import KioskConfig
import KioskDevices
import KioskDomain
import KioskReceipts
import KioskSystem
import KioskTestRigs
import Synchronization
import Testing

@testable import KioskService
@testable import KioskStore

/// Holds the flows on purpose: once armed, the flows' next `onEventWritten` (the first thing
/// they do after an intake's commit) blocks their thread — the store's, which they share —
/// until released.
final class FlowsHold: Sendable {
    private let state = Mutex<(armed: Bool, holding: Bool)>((false, false))
    private let held = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)

    /// The flows' `onEventWritten`: returns at once unless armed; armed, blocks once.
    func eventWritten() {
        let hold = state.withLock { s in
            defer { s.armed = false }
            if s.armed { s.holding = true }
            return s.armed
        }
        guard hold else { return }
        held.signal()
        // Bounded: a test that fails must not hang the suite.
        _ = released.wait(timeout: .now() + 60)
    }

    func arm() { state.withLock { $0.armed = true } }

    /// Waits (the caller's thread) until the flows are held, at most 60 s.
    func waitUntilHeld() -> Bool { held.wait(timeout: .now() + 60) == .success }

    var isHolding: Bool { state.withLock { $0.holding } }

    func release() {
        state.withLock { $0.holding = false }
        released.signal()
    }
}

/// The receipt is handed to the printer on the store's thread as the intake's transaction
/// commits (docs/crossings.md): it goes out without the flows or the print queue running
/// first, once, and a crash before it prints still gives one marked reprint.
@Suite("The receipt handed to the printer at its commit")
struct CommitHandOverTests {
    static let card = "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, tỉnh Lào Cai|01022021"

    static func flows(
        _ rig: PrinterRig, store: KioskStore, queue: PrintQueue, onEventWritten: @escaping @Sendable () -> Void
    ) throws -> KioskFlows {
        let configuration = try KioskConfiguration.parse(
            text: "[Kiosk]\nId=YB-HAND-01\nOffice=Bưu điện huyện Văn Yên\nCodePrefix=YBVY01\n", file: "kiosk.conf")
        let setup = ServiceSetup(
            configuration: configuration,
            catalog: ProcedureCatalog(procedures: [
                Procedure(
                    code: "1.001234", name: "Cấp Phiếu lý lịch tư pháp", workingDays: 10, feeVND: 200_000,
                    delivery: .post)
            ]),
            holidays: HolidayList(), centralKey: nil, file: "kiosk.conf", profile: rig.profile,
            keymap: Keymap(name: "us"))
        return KioskFlows(
            setup: setup, store: store, printer: PrinterAdapter(link: rig.link, queue: queue, profile: rig.profile),
            profile: rig.profile, logger: LogRecorder().logger, onEventWritten: onEventWritten)
    }

    @Test("the receipt prints while the flows are held right after the commit; once, and its row is settled")
    func receiptPrintsWhileTheFlowsAreHeld() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        // No pass on a timer while the test runs: only the hand-over can print the receipt.
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile, retryInterval: .seconds(3600))
        let running = Task { await queue.run() }
        let hold = FlowsHold()
        let flows = try Self.flows(rig, store: store, queue: queue, onEventWritten: { hold.eventWritten() })
        #expect(await flows.handle(scan: Self.card).outcome.name == "awaiting-procedure")
        // Right after the intake's commit the flows block their thread, which is the store's
        // and the print queue's too (docs/crossings.md): nothing of ours runs on it.
        hold.arm()
        let intake = Task { await flows.handle(scan: "1.001234") }
        // Waited for on a thread of its own: the pool is never held by a wait.
        let heldInTime = try await NamedThread.run("test-hold") { hold.waitUntilHeld() }
        // The flows cannot run until released: the receipt must come out all the same.
        let receipts = await rig.emulator.waitForReceipts(count: 1, timeout: .seconds(30))
        let heldMeanwhile = hold.isHolding
        hold.release()
        let result = await intake.value
        #expect(heldInTime)
        #expect(receipts.count == 1, "the receipt waited for the flows")
        #expect(heldMeanwhile)
        #expect(result.outcome.name == "intake")
        #expect(receipts.first?.text.contains(ReprintBanner.title) == false)
        #expect(receipts.first?.text.contains(result.code ?? "-") == true)
        // The queue records the job's steps and deletes it; nothing prints twice.
        let deadline = ContinuousClock.now + .seconds(60)
        while try await !store.allPrintJobs().isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try await store.allPrintJobs().isEmpty)
        _ = try await rig.link.print(
            ESCPOSEncoder.encode(PrinterRig.receipt(name: "Lê Văn Cuối"), profile: rig.profile))
        let all = await rig.emulator.waitForReceipts(count: 2)
        #expect(all.count == 2 && all.last?.text.contains("Lê Văn Cuối") == true)
        running.cancel()
        await running.value
        await store.close()
        await rig.shutDown()
    }

    @Test("the flows and the print queue run on the store's thread: their store calls cross no thread")
    func flowsAndQueueRunOnTheStoresThread() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        let flows = try Self.flows(rig, store: store, queue: queue, onEventWritten: {})
        let stores = await store.runningThread()
        let flowsRun = await flows.runningThread()
        let queueRuns = await queue.runningThread()
        #expect(stores.name == "kiosk-store")
        #expect(flowsRun.id == stores.id && flowsRun.name == "kiosk-store")
        #expect(queueRuns.id == stores.id && queueRuns.name == "kiosk-store")
        // An intake through the flows, and the queue's pass over its receipt, on that thread.
        #expect(await flows.handle(scan: Self.card).outcome.name == "awaiting-procedure")
        let result = await flows.handle(scan: "1.001234")
        #expect(result.outcome.name == "intake")
        #expect(await flows.runningThread().id == stores.id)
        await store.close()
        await rig.shutDown()
    }

    @Test("a job handed over at its commit that a pass meets first prints once, never again")
    func passMeetsAJobStartedAtItsCommit() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        #expect(await rig.link.status() == .ok)
        let bytes = ESCPOSEncoder.encode(PrinterRig.receipt(name: "Nguyễn Thị Ánh Tuyết"), profile: rig.profile)
        let job = try await store.enqueuePrintJob(
            PrintJobDraft(kind: "intake-receipt", payload: bytes), dossierCode: nil, claimed: true,
            afterCommit: { queue.start($0) })
        // The pass reads it back `sending` for this run: it takes the transfer under way.
        let pass = await queue.printPending()
        #expect(pass.printed == [job.id])
        #expect(pass.reprinted.isEmpty)
        // The hand-over itself, after: already moved on.
        #expect(await queue.printSubmitted(job).printed.isEmpty)
        #expect(await queue.printPending().printed.isEmpty)
        #expect(try await store.allPrintJobs().isEmpty)
        // Everything sent before this last page has arrived once it has.
        _ = try await rig.link.print(
            ESCPOSEncoder.encode(PrinterRig.receipt(name: "Lê Văn Cuối"), profile: rig.profile))
        let receipts = await rig.emulator.waitForReceipts(count: 2)
        #expect(receipts.count == 2)
        #expect(receipts.first?.text.contains("Nguyễn Thị Ánh Tuyết") == true)
        #expect(receipts.last?.text.contains("Lê Văn Cuối") == true)
        #expect(rig.emulator.receipts.count == 2)
        await store.close()
        await rig.shutDown()
    }

    @Test("receipts handed over at their commits print in commit order, each once")
    func commitOrder() async throws {
        let rig = try PrinterRig()
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        let running = Task { await queue.run() }
        #expect(await rig.link.status() == .ok)
        let names = ["Lê Văn Một", "Lê Văn Hai", "Lê Văn Ba", "Lê Văn Bốn"]
        for name in names {
            let bytes = ESCPOSEncoder.encode(PrinterRig.receipt(name: name), profile: rig.profile)
            _ = try await store.enqueuePrintJob(
                PrintJobDraft(kind: "intake-receipt", payload: bytes), dossierCode: nil, claimed: true,
                afterCommit: { queue.start($0) })
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while try await !store.allPrintJobs().isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try await store.allPrintJobs().isEmpty)
        _ = try await rig.link.print(
            ESCPOSEncoder.encode(PrinterRig.receipt(name: "Lê Văn Cuối"), profile: rig.profile))
        let receipts = await rig.emulator.waitForReceipts(count: names.count + 1)
        #expect(receipts.count == names.count + 1)
        for (index, name) in names.enumerated() {
            #expect(receipts.count > index && receipts[index].text.contains(name), "receipt \(index)")
        }
        #expect(receipts.allSatisfy { !$0.text.contains(ReprintBanner.title) })
        running.cancel()
        await running.value
        await store.close()
        await rig.shutDown()
    }

    @Test("a crash between the commit and the print: the next run prints the receipt once, marked")
    func crashBetweenCommitAndPrint() async throws {
        let rig = try PrinterRig()
        let crashed = try rig.openStore()
        let bytes = ESCPOSEncoder.encode(PrinterRig.receipt(name: "Nguyễn Thị Ánh Tuyết"), profile: rig.profile)
        // The run dies after the commit, before the hand-over reaches the wire.
        let job = try await crashed.enqueuePrintJob(
            PrintJobDraft(kind: "intake-receipt", payload: bytes), dossierCode: nil, claimed: true,
            afterCommit: { _ in })
        await crashed.close()
        let store = try rig.openStore()
        let queue = PrintQueue(store: store, link: rig.link, profile: rig.profile)
        let pass = await queue.printPending()
        #expect(pass.printed == [job.id])
        #expect(pass.reprinted == [job.id])
        #expect(await queue.printPending().printed.isEmpty)
        #expect(try await store.allPrintJobs().isEmpty)
        _ = try await rig.link.print(
            ESCPOSEncoder.encode(PrinterRig.receipt(name: "Lê Văn Cuối"), profile: rig.profile))
        let receipts = await rig.emulator.waitForReceipts(count: 2)
        #expect(receipts.count == 2)
        #expect(receipts.first?.rendered.textLines.first?.contains(ReprintBanner.title) == true)
        #expect(receipts.first?.text.contains("Nguyễn Thị Ánh Tuyết") == true)
        await store.close()
        await rig.shutDown()
    }
}

extension KioskStore {
    /// Tells `observer` of every write transaction's begin and commit, on the store's thread.
    fileprivate func observeWrites(_ observer: @escaping @Sendable (_ operation: String, _ committed: Bool) -> Void) {
        transactionObserver = observer
    }
}

extension KioskStore {
    /// The kernel id and name of the thread the store's calls run on.
    fileprivate func runningThread() -> (id: Int32, name: String) { (NamedThread.currentID, NamedThread.currentName) }
}

extension KioskFlows {
    /// The kernel id and name of the thread the flows run on.
    fileprivate func runningThread() -> (id: Int32, name: String) { (NamedThread.currentID, NamedThread.currentName) }
}

extension PrintQueue {
    /// The kernel id and name of the thread the queue runs on.
    fileprivate func runningThread() -> (id: Int32, name: String) { (NamedThread.currentID, NamedThread.currentName) }
}
