import Foundation
import KioskDomain
import KioskSQLite
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite struct OpeningTests {
    @Test func migratesAnEmptyFileAndSetsPragmas() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        #expect(store.recovery == nil)
        #expect(try await store.scalar("PRAGMA user_version") == .integer(Int64(Schema.currentVersion)))
        #expect(try await store.scalar("PRAGMA journal_mode") == .text("wal"))
        #expect(try await store.scalar("PRAGMA synchronous") == .integer(2))
        #expect(try await store.scalar("PRAGMA foreign_keys") == .integer(1))
        #expect(try await store.scalar("PRAGMA auto_vacuum") == .integer(2))  // incremental
        #expect(try await store.scalar("PRAGMA busy_timeout") == .integer(5000))
        for table in ["dossiers", "outbox", "print_jobs", "dossier_status", "kiosk_state", "daily_sequence"] {
            #expect(
                try await store.scalar("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '\(table)'")
                    == .integer(1), "table \(table)")
        }
        await store.close()

        // Reopening keeps the version and runs no migration twice.
        let again = try KioskStore(path: dir.file("kiosk.db"))
        #expect(try await again.scalar("PRAGMA user_version") == .integer(Int64(Schema.currentVersion)))
        #expect(again.recovery == nil)
    }

    @Test func closedStoreThrowsClosed() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        await store.close()
        await #expect { try await store.summary() } throws: { ($0 as? StoreError)?.kind == .closed }
    }

    @Test func missingDirectoryIsAStoreErrorNotARecovery() throws {
        do {
            _ = try KioskStore(path: "/nonexistent-kiosk-dir/kiosk.db")
            Issue.record("opened a file in a missing directory")
        } catch let error as StoreError {
            #expect(error.kind == .sqlite)
            #expect(error.sqliteCode == .cannotOpen)
            #expect(error.description.contains("/nonexistent-kiosk-dir/kiosk.db"))
        }
    }

    /// Writes a database with `events` events and returns its path (closed, WAL checkpointed).
    private func filledDatabase(in dir: TemporaryDirectory, events: Int) async throws -> String {
        let path = dir.file("kiosk.db")
        let store = try KioskStore(path: path)
        let data = [UInt8](repeating: 0x41, count: 400)
        _ = try await store.appendEvents(
            (0..<events).map { _ in
                (type: "kiosk.health", data: data, occurredAt: Fixtures.time("2026-11-21T09:15:02+07:00"))
            })
        await store.close()
        return path
    }

    private func overwrite(_ path: String, at offset: UInt64, count: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: offset)
        var generator = SystemRandomNumberGenerator()
        try handle.write(contentsOf: Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }))
        try handle.close()
    }

    private func expectFreshStoreAfterRecovery(path: String) async throws {
        let store = try KioskStore(path: path)
        let recovery = try #require(store.recovery)
        #expect(recovery.movedTo.hasPrefix(path + ".corrupt-"))
        #expect(FileManager.default.fileExists(atPath: recovery.movedTo))
        #expect(!recovery.reason.isEmpty)
        // The fresh database works from seq 1.
        let event = try await store.appendEvent(
            type: "kiosk.health", data: [1], occurredAt: Fixtures.time("2026-11-21T09:15:02+07:00"))
        #expect(event.seq == 1)
        #expect(try await store.summary().pending == 1)
        await store.close()
        // Once moved aside, the next open is clean.
        let again = try KioskStore(path: path)
        #expect(again.recovery == nil)
        #expect(try await again.summary().pending == 1)
    }

    @Test func garbageOverTheHeaderIsMovedAside() async throws {
        let dir = try TemporaryDirectory()
        let path = try await filledDatabase(in: dir, events: 50)
        try overwrite(path, at: 0, count: 100)
        try await expectFreshStoreAfterRecovery(path: path)
    }

    @Test func garbageAfterTheMagicIsMovedAside() async throws {
        // The magic string stays, so SQLite itself must find the damage (page 1's header and
        // the schema b-tree).
        let dir = try TemporaryDirectory()
        let path = try await filledDatabase(in: dir, events: 50)
        try overwrite(path, at: 16, count: 4000)
        try await expectFreshStoreAfterRecovery(path: path)
    }

    @Test func garbageOverMiddlePagesIsMovedAside() async throws {
        let dir = try TemporaryDirectory()
        let path = try await filledDatabase(in: dir, events: 2000)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? UInt64)
        #expect(size > 200 * 4096)
        // Pages in the middle of the outbox table and its indexes.
        try overwrite(path, at: size / 2, count: 16 * 4096)
        try await expectFreshStoreAfterRecovery(path: path)
    }

    @Test func corruptFileMovesItsWalAlong() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("kiosk.db")
        try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: path))
        try Data(repeating: 0x11, count: 100).write(to: URL(fileURLWithPath: path + "-wal"))
        let store = try KioskStore(path: path)
        let recovery = try #require(store.recovery)
        #expect(recovery.reason.contains("26"))  // SQLITE_NOTADB
        #expect(FileManager.default.fileExists(atPath: recovery.movedTo))
        #expect(FileManager.default.fileExists(atPath: recovery.movedTo + "-wal"))
        #expect(try await store.summary().lastSeq == 0)
    }

    /// A power cut while a checkpoint rewrote page 1, before the file's sync, can leave
    /// garbage over the header; the WAL still holds the page as committed, and SQLite
    /// recovers it. The store must not take that for a corrupt file and start over.
    @Test func tornHeaderWithTheWalBesideItIsRecoveredNotMovedAside() async throws {
        let dir = try TemporaryDirectory()
        let live = dir.file("live.db")
        let store = try KioskStore(path: live)
        let intake = try await Fixtures.intake(store, receivedAt: Fixtures.time("2026-11-21T09:15:02+07:00"))
        // The disk as the power cut leaves it: database and WAL as they are, store still open.
        let path = dir.file("kiosk.db")
        try FileManager.default.copyItem(atPath: live, toPath: path)
        try FileManager.default.copyItem(atPath: live + "-wal", toPath: path + "-wal")
        await store.close()
        #expect(StoreFile.walHasFrames(path: path))
        try overwrite(path, at: 0, count: 512)

        let reopened = try KioskStore(path: path)
        #expect(reopened.recovery == nil, "\(String(describing: reopened.recovery))")
        #expect(try await reopened.dossier(code: intake.dossier.code) != nil)
        #expect(try await reopened.pendingEvents(limit: 10).map(\.id) == [intake.event.id])
        #expect(try await reopened.scalar("PRAGMA integrity_check") == .text("ok"))
        await reopened.close()
    }
}
