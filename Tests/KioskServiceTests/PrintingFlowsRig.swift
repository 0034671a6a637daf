import ESCPOS
import Foundation
import KioskConfig
import KioskControl
import KioskDevices
import KioskDomain
import KioskEmulators
import KioskReceipts
import KioskStore
import KioskSystem
import Synchronization
import Testing

@testable import KioskService

/// The kiosk's flows in process, everything real but the printer: a store in a temporary
/// folder, the real printer link and print queue (`PrinterInUse`), and an emulated printer on
/// a pseudo-terminal that answers `DLE EOT`, renders what it receives and can run out of
/// paper, open its cover, stop answering or vanish. `flows` runs on an injected clock;
/// `running` is the running kiosk the control socket talks to (its own flows, wall clock).
final class PrintingFlowsRig: Sendable {
    static let kioskId = "YB-VANYEN-01"
    /// Trần Thị Ánh Tuyết, Nữ 1995: a name with a tone mark on almost every syllable.
    static let name = "Trần Thị Ánh Tuyết"
    static let idNumber = "001195012345"
    static let address = "Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái"
    static let card = "\(idNumber)||\(name)|14031995|Nữ|\(address)|01022021"
    static let otherCard = "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Xã Đông Cuông, huyện Văn Yên|01022021"
    static let procedure = "1.001234"

    let folder: String
    let emulator: EmulatedPrinter
    let store: KioskStore
    let printer: PrinterInUse
    let flows: KioskFlows
    let running: RunningKiosk
    let log = LogRecorder()
    private let clock: InjectedClock

    /// The package root, for the printer profiles in Hardware/printers.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// `2026-11-23T09:15:00+07:00`, a Monday.
    static let start = Timestamp(rfc3339: "2026-11-23T09:15:00+07:00")!

    init() throws {
        folder = NSTemporaryDirectory() + "flows-in-process-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let profile = try PrinterProfile.load(named: "epson-tm-t20iii", from: Self.repository + "/Hardware/printers")
        emulator = try EmulatedPrinter(profile: profile, devicePath: folder + "/printer")
        let configuration = try KioskConfiguration.parse(
            text: """
                [Kiosk]
                Id=\(Self.kioskId)
                Office=Bưu điện huyện Văn Yên
                CodePrefix=YBVY01
                [Printer]
                Device=\(folder)/printer
                Baud=115200
                FlowControl=rtscts
                Profile=epson-tm-t20iii
                [Scanner]
                Device=\(folder)/scanner
                [Control]
                TechnicianCodes=yes

                """, file: "kiosk.conf")
        let catalog = try ProcedureCatalog.parse(
            text: """
                [Procedure 1.001234]
                Name=Cấp Phiếu lý lịch tư pháp
                Days=10
                Fee=200000
                Delivery=post
                """, file: "procedures.conf")
        let setup = ServiceSetup(
            configuration: configuration, catalog: catalog, holidays: HolidayList(), centralKey: nil,
            file: "kiosk.conf",
            profile: profile, keymap: Keymap(name: "us"))
        store = try KioskStore(path: folder + "/kiosk.db")
        printer = PrinterInUse(setup: setup, store: store, logger: log.logger)
        let clock = InjectedClock(Self.start.unixSeconds)
        self.clock = clock
        flows = KioskFlows(
            setup: setup, store: store,
            printer: PrinterAdapter(link: printer.link, queue: printer.queue, profile: profile), profile: profile,
            logger: log.logger, now: { Timestamp(unixSeconds: clock.seconds.withLock { $0 }) })
        running = RunningKiosk(
            setup: setup, store: store, printer: printer, scannerState: .ok(nil), logger: log.logger,
            notifier: SystemdNotifier(socketPath: nil), events: ServiceEvents())
    }

    /// Another flows over the same store, printer and clock (as a front end's would be).
    func otherFlows() -> KioskFlows {
        let clock = self.clock
        return KioskFlows(
            setup: running.setup, store: store,
            printer: PrinterAdapter(link: printer.link, queue: printer.queue, profile: printer.profile),
            profile: printer.profile, logger: log.logger, now: { Timestamp(unixSeconds: clock.seconds.withLock { $0 }) }
        )
    }

    /// Moves the flows' clock on (no sleeping: the idle timeout reads this clock).
    func advance(seconds: Int64) { clock.seconds.withLock { $0 += seconds } }

    /// The control socket's answers, from the running kiosk with the `KIOSK:STATUS` facts
    /// attached as `run()` attaches them.
    func control() async -> ServiceControl {
        await running.flows.attachTechnicianStatus { [running] in await running.technicianStatus() }
        return ServiceControl(kiosk: running)
    }

    /// An ID card then the procedure, at `flows`.
    func intake(card: String = PrintingFlowsRig.card) async -> KioskFlows.Result {
        _ = await flows.handle(scan: card)
        return await flows.handle(scan: Self.procedure)
    }

    /// Waits until `count` receipts were cut, then until the queue has no job left (each
    /// printed copy confirmed and deleted), so the next step starts from a quiet printer.
    func receipts(_ count: Int) async throws -> [EmulatedReceipt] {
        let receipts = await emulator.waitForReceipts(count: count, timeout: .seconds(60))
        try #require(receipts.count >= count, "\(receipts.count) receipts of \(count)")
        try await waitUntilQueueIsEmpty()
        return receipts
    }

    /// Waits (deadline 60 s) until no print job is left in the store.
    func waitUntilQueueIsEmpty() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while try await !store.allPrintJobs().isEmpty, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(try await store.allPrintJobs().isEmpty)
    }

    /// Events in the outbox, oldest first: type and JSON data.
    func events() async throws -> [(type: String, data: [String: Any])] {
        try await store.pendingEvents(limit: 100).filter { $0.type != "kiosk.health" }.map {
            ($0.type, (try JSONSerialization.jsonObject(with: Data($0.data)) as? [String: Any]) ?? [:])
        }
    }

    func shutDown() async {
        await printer.stop()
        await emulator.stop()
        await store.close()
        try? FileManager.default.removeItem(atPath: folder)
        // Personal data never reaches a log line.
        for line in log.all {
            for item in [Self.name, Self.idNumber, Self.address, "Nguyễn Bá Hoàng", "001095012345"] {
                #expect(!line.contains(item), "personal data in a log line: \(line)")
            }
        }
    }

    /// The receipt's text with wrapped lines joined and runs of spaces made one.
    static func flat(_ receipt: EmulatedReceipt) -> String {
        receipt.text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
            .precomposedStringWithCanonicalMapping
    }

    /// The tracking code printed on a receipt.
    static func code(_ receipt: EmulatedReceipt) -> String? {
        receipt.text.split(separator: "\n").map(String.init).first { TrackingCode(parsing: $0) != nil }
    }
}

/// The flows' clock in a test: Unix seconds, moved on by the test.
final class InjectedClock: Sendable {
    let seconds: Mutex<Int64>
    init(_ start: Int64) { seconds = Mutex(start) }
}
