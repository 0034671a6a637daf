import ESCPOS
import Foundation
import KioskCentral
import KioskDevices
import KioskEmulators
import KioskProtocol
import KioskSystem
import KioskTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real `kioskd` process on emulated hardware: an emulated printer on a pseudo-terminal, a
/// loopback `kiosk-central`, a temporary state directory — and its stderr, line by line.
final class KioskdProcess: @unchecked Sendable {
    // @unchecked Sendable: the Process is only touched from the test's task; the log is OutputLines (a Mutex).
    static let kioskId = "YB-TEST-01"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    let directory: TemporaryDirectory
    let central: CentralServer
    let printer: EmulatedPrinter
    let process = TestProcess()
    let profileName: String
    private let lines = OutputLines()

    var printerPath: String { directory.path + "/printer" }
    var configPath: String { directory.path + "/kiosk.conf" }
    var databasePath: String { directory.path + "/state/kiosk.db" }

    let baud: Int

    init(
        profile: String = "epson-tm-t20iii", scannerMode: String = "serial", baud: Int = 115200, extraKiosk: String = ""
    ) throws {
        directory = try TemporaryDirectory()
        profileName = profile
        self.baud = baud
        let key = Array("e2e-test-key-0123456789abcdef-0123456789abcdef".utf8)
        try Data(key).write(to: URL(fileURLWithPath: directory.path + "/central.key"))
        chmod(directory.path + "/central.key", 0o600)  // a key others can read is refused
        central = try CentralServer(
            configuration: .init(
                databasePath: directory.path + "/central.db", kiosks: [Self.kioskId: try KioskKey(bytes: key)]))
        try central.start()
        let loaded = try PrinterProfile.load(named: profile, from: Self.repository + "/Hardware/printers")
        printer = try EmulatedPrinter(profile: loaded, devicePath: directory.path + "/printer", outputDirectory: nil)
        try writeConfig(printerDevice: printerPath, scannerMode: scannerMode, extraKiosk: extraKiosk)
    }

    /// Writes kiosk.conf; `central` replaces the [Central] keys (the loopback receiver's by default).
    func writeConfig(
        printerDevice: String, scannerMode: String = "serial", extraKiosk: String = "", central: String? = nil
    ) throws {
        let centralKeys =
            central ?? """
                URL=http://127.0.0.1:\(self.central.port)
                KeyFile=\(directory.path)/central.key
                PollUpdates=1s
                Timeout=5s
                """
        let text = """
            [Kiosk]
            Id=\(Self.kioskId)
            Office=Bưu điện huyện Văn Yên
            StateDirectory=\(directory.path)/state
            Procedures=\(Self.repository)/Hardware/examples/procedures.conf
            Holidays=\(Self.repository)/Hardware/examples/holidays.conf
            CodePrefix=YBVY01
            LogLevel=debug
            \(extraKiosk)
            [Printer]
            Device=\(printerDevice)
            Profile=\(profileName)
            Baud=\(baud)
            FlowControl=none
            [Scanner]
            Device=\(directory.path)/scanner
            Mode=\(scannerMode)
            Grab=no
            [Central]
            \(centralKeys)
            [Control]
            Socket=\(directory.path)/control.sock
            TechnicianCodes=yes

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: configPath))
    }

    /// Starts kioskd with extra environment (NOTIFY_SOCKET, WATCHDOG_USEC, …), through
    /// `launcher` when given (a command that runs its arguments: `unshare -m …`, `setpriv …`).
    func start(environment: [String: String] = [:], launcher: [String] = []) throws {
        let command = launcher + [BuiltProducts.path("kioskd"), "--config", configPath]
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["KIOSK_DATA_DIR"] = Self.repository + "/Hardware"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        lines.follow(pipe.fileHandleForReading, thread: "kioskd-stderr")
    }

    /// Every stderr line so far.
    var log: [String] { lines.lines }

    /// Waits for a log line containing `text` (after the first line containing `after`).
    func waitForLog(_ text: String, after: String? = nil, timeout: Duration = .seconds(60)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var lines = log[...]
            if let after, let start = lines.firstIndex(where: { $0.contains(after) }) { lines = lines[start...] }
            if lines.contains(where: { $0.contains(text) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    func signal(_ number: Int32) { process.send(number) }

    /// Waits for the process to exit; returns its status, or nil on timeout (then kills it).
    func waitForExit(timeout: Duration = .seconds(10)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            process.send(SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    func stop() async {
        if process.isRunning {
            signal(SIGTERM)
            _ = await waitForExit()
        }
        await printer.stop()
        // Stopping waits for the receiver's connection threads: on a thread of its own.
        let central = self.central
        _ = try? await NamedThread.run("test-central") { central.stop() }
    }
}
