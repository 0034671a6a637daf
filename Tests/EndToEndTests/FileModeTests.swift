import Foundation
import KioskCentral
import KioskProtocol
import KioskStore
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Personal data at rest does not depend on the umask: every file kioskd, kiosk-central and
/// the demo create, created under a umask of 000, is closed to other users (the databases,
/// `-wal` and `-shm` exactly 0600 for kioskd and 0640 for kiosk-central). Before, kioskd
/// outside its unit and kiosk-central always created `kiosk.db`/`central.db` as 0644 & ~umask.
@Suite struct FileModeTests {
    /// Mode bits (0o777) of a path, nil when it does not exist.
    static func mode(_ path: String) -> mode_t? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return status.st_mode & 0o777
    }

    /// Every path under `directory` (itself included) with its mode.
    static func modes(under directory: String) -> [(path: String, mode: mode_t)] {
        var result: [(String, mode_t)] = []
        if let mode = mode(directory) { result.append((directory, mode)) }
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let relative = enumerator?.nextObject() as? String {
            let path = directory + "/" + relative
            var status = stat()
            // Symbolic links (the emulated printer's pty link) carry no permissions of their own.
            guard lstat(path, &status) == 0, status.st_mode & S_IFMT != S_IFLNK else { continue }
            result.append((path, status.st_mode & 0o777))
        }
        return result
    }

    /// `sh -c 'umask 000; exec "$@"'`: runs a command with a umask that hides nothing.
    static let withUmask000 = ["/bin/sh", "-c", #"umask 000; exec "$@""#, "sh"]

    @Test func kioskdDatabaseAndStateAreItsOwnUnderUmask000() async throws {
        let kioskd = try KioskdProcess()
        try kioskd.start(launcher: Self.withUmask000)
        #expect(await kioskd.waitForLog("kioskd started"))
        // SQLite makes -wal and -shm when the connection first uses WAL; kioskd holds it open.
        let deadline = ContinuousClock.now + .seconds(60)
        while Self.mode(kioskd.databasePath + "-shm") == nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let state = kioskd.directory.path + "/state"
        let database = kioskd.databasePath
        #expect(Self.mode(database) == 0o600)
        #expect(Self.mode(database + "-wal") == 0o600)
        #expect(Self.mode(database + "-shm") == 0o600)
        for (path, mode) in Self.modes(under: state) {
            #expect(mode & 0o007 == 0, "\(path) is open to others: \(String(mode, radix: 8))")
        }
        // The control socket is for group kiosk-tech by design (docs/control-socket.md).
        #expect(Self.mode(kioskd.directory.path + "/control.sock") == 0o660)
        await kioskd.stop()
    }

    @Test func kioskdNarrowsADatabaseLeftWorldReadable() async throws {
        let kioskd = try KioskdProcess()
        let state = kioskd.directory.path + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let store = try KioskStore(path: kioskd.databasePath)
        await store.close()
        for suffix in ["", "-wal", "-shm"] { chmod(kioskd.databasePath + suffix, 0o644) }
        try kioskd.start()
        #expect(await kioskd.waitForLog("kioskd started"))
        #expect(Self.mode(kioskd.databasePath) == 0o600)
        await kioskd.stop()
    }

    @Test func kioskCentralDatabaseIsOwnerAndGroupOnlyUnderUmask000() async throws {
        let directory = try TemporaryDirectory()
        let keyFile = directory.path + "/k.key"
        try Data("central-mode-key-0123456789abcdef-0123".utf8).write(to: URL(fileURLWithPath: keyFile))
        chmod(keyFile, 0o600)
        let database = directory.path + "/central.db"
        let process = TestProcess()
        process.executableURL = URL(fileURLWithPath: Self.withUmask000[0])
        process.arguments =
            Array(Self.withUmask000.dropFirst()) + [
                BuiltProducts.path("kiosk-central"), "serve", "--db", database, "--kiosk", "YB-MODE-01=\(keyFile)",
                "--listen", "127.0.0.1:0",
            ]
        let lines = OutputLines()
        let pipe = Pipe()
        process.standardError = pipe
        try process.run()
        lines.follow(pipe.fileHandleForReading, thread: "central-stderr")
        defer {
            process.send(SIGKILL)
            process.waitUntilExit()
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while !lines.lines.contains(where: { $0.contains("listening on") }) && ContinuousClock.now < deadline
            && process.isRunning
        {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(lines.lines.contains { $0.contains("listening on") }, "\(lines.lines)")
        #expect(Self.mode(database) == 0o640)
        #expect(Self.mode(database + "-wal") == 0o640)
        #expect(Self.mode(database + "-shm") == 0o640)
    }

    @Test func centralServerInProcessCreatesItsDatabase0640() throws {
        let directory = try TemporaryDirectory()
        let server = try CentralServer(
            configuration: .init(
                databasePath: directory.path + "/central.db",
                kiosks: ["YB-MODE-01": try KioskKey(bytes: Array(repeating: 0x41, count: 32))]))
        _ = try server.storedEvents(kiosk: nil)
        #expect(Self.mode(directory.path + "/central.db") == 0o640)
    }

    @Test func demoStateIsPrivateAndCleanedUnderUmask000() async throws {
        let temporary = try TemporaryDirectory()
        let process = TestProcess()
        process.executableURL = URL(fileURLWithPath: Self.withUmask000[0])
        process.arguments = Array(Self.withUmask000.dropFirst()) + [BuiltProducts.path("kioskd"), "--demo"]
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = temporary.path + "/"
        environment["KIOSK_DATA_DIR"] = KioskdProcess.repository + "/Hardware"
        process.environment = environment
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { process.terminate() }
        }
        // An intake, so the demo writes a receipt; stdin stays open until it is there.
        let card = "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, tỉnh Lào Cai|01022021"
        input.fileHandleForWriting.write(Data("\(card)\n1.001234\n".utf8))
        var demo: String?
        var modesWhileRunning: [(path: String, mode: mode_t)] = []
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
            if let name = entries.first(where: { $0.hasPrefix("kiosk-demo-") }) {
                demo = temporary.path + "/" + name
                let receipts = (try? FileManager.default.contentsOfDirectory(atPath: demo! + "/receipts")) ?? []
                if receipts.contains(where: { $0.hasSuffix(".txt") }) {
                    modesWhileRunning = Self.modes(under: demo!)
                    break
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try input.fileHandleForWriting.close()
        // The wait for its exit is on a thread of its own and bounded (the demo is killed then).
        let exited = await ToolRun.waitForExit(process, timeout: .seconds(60))
        #expect(exited, "kioskd --demo did not exit within 60 s of its input closing")
        let directory = try #require(demo)
        #expect(modesWhileRunning.contains { $0.path.hasSuffix("central.db") })
        #expect(modesWhileRunning.contains { $0.path.hasSuffix("kiosk.db") })
        #expect(modesWhileRunning.contains { $0.path.hasSuffix(".png") })
        for (path, mode) in modesWhileRunning where !path.hasSuffix("control.sock") {
            #expect(mode & 0o007 == 0, "\(path) is open to others: \(String(mode, radix: 8))")
            // The demo's kiosk files are its user's alone; its receiver's are 0640 by design,
            // and the directory (0700) keeps the group out too.
            if !path.contains("/central.db") { #expect(mode & 0o077 == 0, "\(path): \(String(mode, radix: 8))") }
        }
        #expect(Self.mode(directory) == 0o700)
        // Cleaned: only the receipts remain, inside the private directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["receipts"])
    }
}
