import Foundation
import KioskConfig
import KioskDevices
import KioskSystem
import KioskTestRigs
import KioskTestSupport
import Synchronization
import Testing

@testable import KioskService

/// The service's stop, through the real `KioskService.run` (store, printer link, scanner,
/// control socket, forwarding off): `stopping` is said when the stop is asked, once, and a
/// stop asked during a reload starts nothing new.
@Suite struct ServiceStopTests {
    /// A service in a temporary folder, devices absent, its log kept.
    final class Rig: Sendable {
        let folder: TemporaryDirectory
        let setup: ServiceSetup
        let lines = Mutex<[LogLine]>([])

        init() throws {
            folder = try TemporaryDirectory(prefix: "service-stop-")
            let configuration = try KioskConfiguration.parse(
                text: """
                    [Kiosk]
                    Id=LC-MAUA-01
                    Office=Bưu điện xã Mậu A
                    StateDirectory=\(folder.file("state"))
                    LogLevel=debug
                    [Printer]
                    Device=\(folder.file("printer"))
                    [Scanner]
                    Device=\(folder.file("scanner"))
                    [Control]
                    Socket=\(folder.file("control.sock"))
                    """, file: "kiosk.conf")
            setup = ServiceSetup(
                configuration: configuration, catalog: try ProcedureCatalog.parse(text: Self.catalog, file: "p"),
                holidays: HolidayList(), centralKey: nil, file: "kiosk.conf",
                profile: try ReceiptReading.profile("generic-80mm"),
                keymap: try Keymap.load(named: "us", in: [ReceiptReading.repository + "/Hardware/keymaps"]))
        }

        static let catalog = """
            [Procedure 1.001234]
            Name=Cấp Phiếu lý lịch tư pháp
            Days=1
            Fee=200000
            """

        var logger: Logger {
            Logger(minimum: .debug, lines: { [self] line in lines.withLock { $0.append(line) } })
        }

        func said(_ event: String) -> [LogLine] { lines.withLock { $0.filter { $0.event == event } } }
    }

    @Test("a stop asked while a reload is under way is said at once; the reload starts no new kiosk")
    func stopDuringReload() async throws {
        let rig = try Rig()
        let signals = ServiceSignals()
        let saidDuringReload = Mutex<Bool?>(nil)
        let setup = rig.setup
        let service = KioskService(
            setup: setup, logger: rig.logger, notifier: SystemdNotifier(socketPath: nil),
            reload: {
                // SIGTERM arrives while the configuration is read again: before the running
                // kiosk is stopped for the reload, which can take a while.
                signals.requestStop(signal: SIGTERM)
                saidDuringReload.withLock { $0 = !rig.said("stopping").isEmpty }
                return .success(setup)
            })
        // Taken by the loop once it runs: no need to wait for the start.
        signals.requestReload()
        #expect(await service.run(signals: signals) == 0)
        #expect(saidDuringReload.withLock { $0 } == true, "`stopping` waited for the reload to finish")
        #expect(rig.said("stopping").map { $0.value(of: "signal") } == ["\(SIGTERM)"])
        #expect(rig.said("configuration reloaded").isEmpty)
        #expect(rig.said("kioskd stopped").count == 1)
    }

    @Test("stops and reloads after a stop change nothing: `stopping` is said once, with the first stop's signal")
    func stopSaidOnce() async throws {
        let rig = try Rig()
        let signals = ServiceSignals()
        let setup = rig.setup
        let reloads = Mutex(0)
        let service = KioskService(
            setup: setup, logger: rig.logger, notifier: SystemdNotifier(socketPath: nil),
            reload: {
                reloads.withLock { $0 += 1 }
                return .success(setup)
            })
        signals.requestStop(signal: SIGTERM)
        signals.requestReload()
        signals.requestStop(signal: SIGINT)
        #expect(await service.run(signals: signals) == 0)
        #expect(rig.said("stopping").map { $0.value(of: "signal") } == ["\(SIGTERM)"])
        #expect(reloads.withLock { $0 } == 0)
    }
}
