import ESCPOS
import Foundation
import KioskCentral
import KioskConfig
import KioskDevices
import KioskDomain
import KioskProtocol
import KioskSystem

/// `kioskd --demo`: the whole kiosk on one machine with no setup — a temporary state
/// directory, an emulated printer on a pseudo-terminal writing each receipt as PNG and text,
/// scans typed on standard input, and a `kiosk-central` on loopback.
enum DemoKiosk {
    static func run(keep: Bool) async -> Int32 {
        let out = FileHandleOutput.standardOutput
        let directory = NSTemporaryDirectory() + "kiosk-demo-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let receipts = directory + "/receipts"
        do {
            try FileManager.default.createDirectory(atPath: receipts, withIntermediateDirectories: true)
        } catch {
            FileHandleOutput.standardError("kioskd --demo: cannot create \(directory): \(error)\n")
            return 1
        }
        guard let examples = HardwareData.directory("examples") else {
            FileHandleOutput.standardError(
                "kioskd --demo: no example catalog found (looked in \(HardwareData.searchPath))\n")
            return 1
        }
        let kioskId = "DEMO-VANYEN-01"
        let key = Array((0..<48).map { _ in UInt8.random(in: 0x21...0x7E) })
        let central: CentralServer
        let printer: EmulatedPrinter
        let setup: ServiceSetup
        do {
            try Data(key).write(to: URL(fileURLWithPath: directory + "/central.key"))
            central = try CentralServer(
                configuration: .init(
                    databasePath: directory + "/central.db", kiosks: [kioskId: try KioskKey(bytes: key)]))
            try central.start()
            let profile = try HardwareData.printerProfile(named: "epson-tm-t20iii")
            printer = try EmulatedPrinter(
                profile: profile, devicePath: directory + "/printer", outputDirectory: receipts)
            let config = directory + "/kiosk.conf"
            try Data(
                Self.configuration(directory: directory, examples: examples, kioskId: kioskId, port: central.port).utf8
            )
            .write(to: URL(fileURLWithPath: config))
            switch ServiceSetup.load(path: config) {
            case .success(let loaded): setup = loaded
            case .failure(let problems):
                FileHandleOutput.standardError("kioskd --demo: its own configuration is wrong:\n\(problems)\n")
                return 1
            }
        } catch {
            FileHandleOutput.standardError("kioskd --demo: \(error)\n")
            return 1
        }

        let logger = Logger(minimum: .notice)
        let signals = ServiceSignals.system()
        let commands = DemoCommands(central: central, printer: printer, kioskId: kioskId)
        let scans = StandardInputScans(
            command: { line in out(commands.run(line) + "\n") },
            endOfInput: {
                // Let the last receipt print before stopping.
                Thread.sleep(forTimeInterval: 2)
                signals.requestStop(signal: 0)
            })
        let service = KioskService(
            setup: setup, logger: logger, notifier: SystemdNotifier(socketPath: nil), scanSource: { _ in scans })
        out(Self.welcome(directory: directory, receipts: receipts, catalog: setup.catalog, port: central.port))
        let screen = Task {
            await DemoScreen.show(events: service.events, printer: printer, central: central, kioskId: kioskId)
        }
        let code = await service.run(signals: signals)
        screen.cancel()
        await printer.stop()
        central.stop()
        out("\nDemo stopped. Receipts are in \(receipts)\n")
        if !keep { out("(state in \(directory); remove it when done)\n") }
        return code
    }

    static func configuration(directory: String, examples: String, kioskId: String, port: Int) -> String {
        """
        # Written by kioskd --demo.
        [Kiosk]
        Id=\(kioskId)
        Office=Bưu điện huyện Văn Yên
        StateDirectory=\(directory)/state
        Procedures=\(examples)/procedures.conf
        Holidays=\(examples)/holidays.conf
        CodePrefix=YBVY01

        [Printer]
        Device=\(directory)/printer
        Baud=115200
        FlowControl=none
        Profile=epson-tm-t20iii

        [Scanner]
        Device=\(directory)/scanner
        Mode=serial

        [Central]
        URL=http://127.0.0.1:\(port)
        KeyFile=\(directory)/central.key
        PollUpdates=2s

        [Control]
        Socket=\(directory)/control.sock
        TechnicianCodes=yes

        """
    }

    static func welcome(directory: String, receipts: String, catalog: ProcedureCatalog, port: Int) -> String {
        let today = Timestamp(unixSeconds: wallClockSeconds()).localDay
        let sampleCode = TrackingCode(prefix: "YBVY01", day: today, sequence: 1)?.description ?? "YBVY01-…-0001-?"
        var text = """

            ─── Kiosk demo ───────────────────────────────────────────────────────────
            The whole kiosk on emulated hardware. Type one scan per line, as the barcode
            scanner would send it. Receipts are written as PNG and text to:
                \(receipts)
            A loopback kiosk-central receives the events: http://127.0.0.1:\(port)

            1. An ID card (the QR on a chip ID card; copy this line):
                001094012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái|01022021
            2. Then a procedure code from the catalog:

            """
        for procedure in catalog.procedures.prefix(5) {
            text += "       \(procedure.code)  \(procedure.name) (\(procedure.workingDays) ngày)\n"
        }
        text += """
            3. A receipt prints. Later, scan its tracking code (e.g. \(sampleCode)) for a status slip.

            Counter mode: KIOSK:CLERK, then a tracking code, then an S10 label (EA123456785VN)
            or the applicant's ID card. KIOSK:CANCEL drops a session.
            Demo commands: !status CODE processing|result-ready|… [note]   (as the agency would)
                           !paper-out   !paper-in   !cover-open   !cover-closed   !events   !help
            Ctrl-D or Ctrl-C ends the demo.
            ──────────────────────────────────────────────────────────────────────────

            """
        return text
    }
}
