import KioskCentral
import KioskConfig
import KioskDevices
import KioskDomain
import KioskEmulators
import KioskProtocol
import KioskService
import KioskSystem

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskd --demo`: the whole kiosk on one machine with no setup — a temporary state
/// directory, an emulated printer on a pseudo-terminal writing each receipt as PNG and text,
/// scans typed on standard input, and a `kiosk-central` on loopback.
package enum DemoKiosk {
    package static func run(keep: Bool) async -> Int32 {
        let out = FileHandleOutput.standardOutput
        // The demo's state holds what is typed at it (names, ID numbers), the central's
        // database and key: a directory only its user can enter (mkdtemp makes it 0700, under
        // any umask), and files only its user can read (kioskd's umask is 077).
        var template = Array((temporaryDirectory() + "kiosk-demo-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            FileHandleOutput.standardError(
                "kioskd --demo: cannot create a directory in \(temporaryDirectory()): \(String(cString: strerror(errno)))\n"
            )
            return 1
        }
        let directory = String(cString: made)
        let receipts = directory + "/receipts"
        do {
            try FileManager.default.createDirectory(
                atPath: receipts, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            FileHandleOutput.standardError("kioskd --demo: cannot create \(directory): \(error)\n")
            return 1
        }
        guard let examples = HardwareData.directory("examples") else {
            FileHandleOutput.standardError(
                "kioskd --demo: no example catalog found (looked in \(HardwareData.searchPath))\n")
            return 1
        }
        let kioskId = "DEMO-MAUA-01"
        let key = Array((0..<48).map { _ in UInt8.random(in: 0x21...0x7E) })
        let central: CentralServer
        let printer: EmulatedPrinter
        let setup: ServiceSetup
        do {
            try Data(key).write(to: URL(fileURLWithPath: directory + "/central.key"))
            // A key file others can read is refused (KeyFilePermissions), whatever the umask.
            chmod(directory + "/central.key", 0o600)
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
                sleepOnThread(nanoseconds: 2_000_000_000)
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
        // Stopping the receiver waits for its connection threads: on a thread of its own,
        // never on the concurrency pool.
        _ = try? await NamedThread.run("central-stop") { central.stop() }
        // Cleaned: the state (databases, key, configuration, socket) goes; the receipts stay
        // for the user to look at, in the directory only they can enter.
        Self.removeState(directory: directory, keeping: keep ? "receipts" : nil)
        if keep {
            out("\nDemo stopped. Receipts are in \(receipts) (only you can read them; rm -r \(directory) when done)\n")
        } else {
            out("\nDemo stopped.\n")
        }
        return code
    }

    /// Removes everything in `directory` but the entry `kept` (the directory too when nothing is kept).
    static func removeState(directory: String, keeping kept: String?) {
        let files = FileManager.default
        for entry in (try? files.contentsOfDirectory(atPath: directory)) ?? [] where entry != kept {
            try? files.removeItem(atPath: directory + "/" + entry)
        }
        if kept == nil { try? files.removeItem(atPath: directory) }
    }

    static func configuration(directory: String, examples: String, kioskId: String, port: Int) -> String {
        """
        # Written by kioskd --demo.
        [Kiosk]
        Id=\(kioskId)
        Office=Bưu điện xã Mậu A
        Unit=Bưu điện tỉnh Lào Cai
        Place=Lào Cai
        StateDirectory=\(directory)/state
        Procedures=\(examples)/procedures.conf
        Holidays=\(examples)/holidays.conf
        CodePrefix=LCMA01

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
        let sampleCode = TrackingCode(prefix: "LCMA01", day: today, sequence: 1)?.description ?? "LCMA01-…-0001-?"
        var text = """

            ─── Kiosk demo ───────────────────────────────────────────────────────────
            The whole kiosk on emulated hardware. Type one scan per line, as the barcode
            scanner would send it. Receipts are written as PNG and text to:
                \(receipts)
            A loopback kiosk-central receives the events: http://127.0.0.1:\(port)

            1. An ID card (the QR on a chip ID card; copy this line):
                001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, tỉnh Lào Cai|01022021
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
                           !late CODE YYYY-MM-DD [note]   (a new appointment: apology slip)
                           !paper-out   !paper-in   !cover-open   !cover-closed   !events   !help
            Ctrl-D or Ctrl-C ends the demo.
            ──────────────────────────────────────────────────────────────────────────

            """
        return text
    }
}

/// `$TMPDIR` (or `/tmp/`) with a final slash, as Foundation's `NSTemporaryDirectory()` gave it.
private func temporaryDirectory() -> String {
    guard let value = getenv("TMPDIR").map({ String(cString: $0) }), !value.isEmpty else { return "/tmp/" }
    return value.hasSuffix("/") ? value : value + "/"
}
