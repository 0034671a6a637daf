import Foundation
import KioskCentral
import KioskProtocol
import KioskSQLite
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` a forwarding process at random moments, many times, while it writes and sends
/// events; after the last restart every committed event is at the receiver exactly once.
@Suite struct CrashRecoveryTests {
    @Test func everyCommittedEventArrivesExactlyOnceAcrossKills() async throws {
        let dir = try TemporaryDirectory()
        let kiosk = "YB-CRASH-01"
        let keyBytes = Array("crash-test-key-0123456789abcdef-0123456789".utf8)
        let keyFile = dir.path + "/central.key"
        try Data(keyBytes + [10]).write(to: URL(fileURLWithPath: keyFile))
        chmod(keyFile, 0o600)  // a key others can read is refused
        let server = try CentralServer(
            configuration: .init(databasePath: dir.path + "/central.db", kiosks: [kiosk: try KioskKey(bytes: keyBytes)])
        )
        try server.start()
        defer { server.stop() }

        let database = dir.path + "/kiosk.db"
        let worker = BuiltProducts.path("kiosk-bench")
        let common = [
            "crash-worker", "--db", database, "--central", "http://127.0.0.1:\(server.port)", "--key", keyFile,
            "--kiosk", kiosk,
        ]
        // While being killed the worker never runs out of events to write.
        let arguments = common + ["--events", "100000000"]
        var generator = SystemRandomNumberGenerator()
        var kills = 0
        while kills < 50 {
            let process = try Self.launch(worker, arguments)
            let lifetime = UInt64.random(in: 30...250, using: &generator)
            try await Task.sleep(for: .milliseconds(lifetime))
            #expect(process.isRunning, "the worker stopped by itself")
            process.send(SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
            kills += 1
        }
        // The last run writes nothing more and delivers everything that was committed.
        let last = try Self.launch(worker, common + ["--drain-only"])
        let deadline = Date().addingTimeInterval(120)
        while last.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        last.send(SIGKILL)
        last.waitUntilExit()
        #expect(last.terminationStatus == 0)

        // What the kiosk committed: every event row in its database.
        let db = try Database(path: database)
        let statement = try db.prepare("SELECT id, seq, delivered_at IS NOT NULL FROM outbox ORDER BY seq")
        var committed: [(id: String, seq: Int64, delivered: Bool)] = []
        while try statement.step() == .row {
            committed.append((statement.string(at: 0) ?? "", statement.int64(at: 1), statement.int64(at: 2) == 1))
        }
        db.close()
        #expect(kills >= 50)
        #expect(committed.count > 500, "too few events were written to prove anything")
        #expect(committed.map(\.seq) == (1...Int64(max(committed.count, 1))).map { $0 }, "seq must be gapless 1...N")
        #expect(committed.allSatisfy { $0.delivered })

        // What the receiver holds: each committed id exactly once, in seq order.
        let stored = try server.storedEvents(kiosk: kiosk)
        #expect(stored.count == committed.count)
        #expect(Set(stored.map(\.id)).count == stored.count, "an event id stored twice")
        #expect(stored.map(\.id) == committed.map(\.id))
        #expect(stored.map(\.seq) == committed.map(\.seq))
    }

    static func launch(_ path: String, _ arguments: [String]) throws -> TestProcess {
        let process = TestProcess()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
