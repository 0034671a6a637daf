import Foundation
import KioskDomain
import KioskTestSupport
import Testing

@testable import KioskStore

/// WAL checkpoints never run inside a write transaction (issue 12): SQLite's automatic one is
/// off, the store's own runs as a job of its own between writes, and the WAL stays bounded.
///
/// A checkpoint is seen where it happens: in WAL mode only a checkpoint writes to the main
/// database file, and the power-cut VFS (with its power left on) counts those writes.
@Suite struct CheckpointTests {
    /// Main-database writes seen between the begin and the commit of each transaction.
    final class InsideTransactions: @unchecked Sendable {
        // @unchecked: every field is touched under `lock` only.
        private let lock = NSLock()
        private var startedAt: Int64 = 0
        private var counted: [(operation: String, writes: Int64)] = []

        func record(_ operation: String, committed: Bool, writes: Int64) {
            lock.withLock {
                if committed {
                    counted.append((operation, writes - startedAt))
                } else {
                    startedAt = writes
                }
            }
        }

        var transactions: [(operation: String, writes: Int64)] { lock.withLock { counted } }
    }

    /// With the store's schedule, and with its own checkpoints held back (then SQLite's
    /// automatic one, were it on, would be the only one: the WAL passes its threshold).
    @Test(arguments: [true, false])
    func aThousandIntakesRunNoCheckpointInsideATransaction(scheduled: Bool) async throws {
        let directory = try PowerCutTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = try PowerCutDisk()
        let path = directory + "/kiosk.db"
        let store = try KioskStore(
            path: path, now: { PowerCutTrial.base }, vfs: disk.name,
            checkpoints: scheduled
                ? CheckpointSchedule() : CheckpointSchedule(idleDelay: .seconds(3600), walFrameBound: .max))
        let inside = InsideTransactions()
        await store.observeTransactions { operation, committed in
            inside.record(operation, committed: committed, writes: disk.mainDatabaseWrites)
        }
        let before = disk.mainDatabaseWrites
        var walPeak: Int64 = 0
        // The service's path: the intake with its receipt claimed, `written`, the completion.
        for number in 0..<1000 {
            let record = try await Fixtures.intake(
                store, receivedAt: Timestamp(unixSeconds: PowerCutTrial.base.unixSeconds + Int64(number)),
                claimingReceipt: true)
            try await store.recordPrintWritten(id: record.printJob.id)
            try await store.completePrintJob(id: record.printJob.id)
            walPeak = max(walPeak, Self.size(path + "-wal"))
        }

        let transactions = inside.transactions
        #expect(transactions.filter { $0.operation == "recording intake" }.count == 1000)
        let withCheckpoint = transactions.filter { $0.writes != 0 }
        #expect(withCheckpoint.isEmpty, "checkpoints inside transactions: \(withCheckpoint.prefix(5))")
        guard scheduled else {
            await store.close()
            return
        }
        await store.settleCheckpoints()
        // They ran, between the transactions.
        #expect(disk.mainDatabaseWrites > before)
        #expect(await store.checkpoints.run > 1)
        // Without checkpoints the WAL would hold all 3,000 commits (tens of MiB); with them
        // it is reused from its start and truncated back to the journal size limit.
        #expect(walPeak <= 3 * Int64(StoreFile.journalSizeLimit), "WAL peaked at \(walPeak) bytes")
        await store.close()
    }

    @Test func aQuietMomentCheckpointsWhatTheLastWritesLeft() async throws {
        let directory = try PowerCutTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = try PowerCutDisk()
        let store = try KioskStore(path: directory + "/kiosk.db", vfs: disk.name)
        let before = disk.mainDatabaseWrites
        _ = try await store.appendEvent(type: "kiosk.health", data: [1], occurredAt: PowerCutTrial.base)
        #expect(disk.mainDatabaseWrites == before, "the commit itself checkpointed")
        #expect(await store.checkpoints.run == 0)
        // The checkpoint scheduled for the quiet moment after that write.
        await store.settleCheckpoints()
        #expect(await store.checkpoints.run == 1)
        #expect(disk.mainDatabaseWrites > before)
        await store.close()
    }

    /// The bound is the WAL's growth in frames since the last checkpoint, not a count of
    /// commits: the intake cycle's `written` and completion write one frame each.
    @Test func aCheckpointStartsWhenTheWALHasGrownByTheBoundInFrames() async throws {
        let directory = try TemporaryDirectory()
        let store = try KioskStore(
            path: directory.file("kiosk.db"), now: { PowerCutTrial.base }, vfs: nil,
            checkpoints: CheckpointSchedule(idleDelay: .seconds(3600), walFrameBound: 40))
        // The schema's creation left its frames in the WAL: start from a checkpoint.
        await store.checkpointNow()
        var commits = 0
        for round in 1...2 {
            _ = try await store.appendEvent(type: "kiosk.health", data: [1], occurredAt: PowerCutTrial.base)
            commits += 1
            // The WAL started again from its beginning: its frames are counted from there.
            #expect(await store.walFrames() < 40)
            while case let frames = await store.walFrames(), frames < 40 {
                #expect(await store.checkpoints.run == round, "a checkpoint at \(frames) frames")
                _ = try await store.appendEvent(type: "kiosk.health", data: [1], occurredAt: PowerCutTrial.base)
                commits += 1
            }
            await store.settleCheckpoints()
            #expect(await store.checkpoints.run == round + 1)
        }
        // More than 40 frames per checkpoint, in fewer than 40 commits each.
        #expect(commits < 80)
        await store.close()
    }

    /// The flows and the print queue call the store from its own executor, without leaving it.
    /// A caller there that awaits nothing else never lets the scheduled checkpoint job run: the
    /// commits checkpoint themselves once the WAL has grown by twice the bound, after their
    /// write, and the WAL stays bounded.
    @Test func aCallerThatNeverLetsTheStoresExecutorGoStillGetsCheckpoints() async throws {
        let directory = try PowerCutTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = try PowerCutDisk()
        let bound = 40
        let store = try KioskStore(
            path: directory + "/kiosk.db", now: { PowerCutTrial.base }, vfs: disk.name,
            checkpoints: CheckpointSchedule(idleDelay: .seconds(3600), walFrameBound: bound))
        await store.checkpointNow()
        let inside = InsideTransactions()
        await store.observeTransactions { operation, committed in
            inside.record(operation, committed: committed, writes: disk.mainDatabaseWrites)
        }
        let peak = try await CallerOnTheStoresExecutor(store).appendBackToBack(300)
        #expect(await store.checkpoints.runByCommit > 0)
        #expect(peak < 3 * bound, "the WAL reached \(peak) frames")
        // The commits' checkpoints ran after their transactions, never inside one.
        #expect(inside.transactions.count == 300)
        let withCheckpoint = inside.transactions.filter { $0.writes != 0 }
        #expect(withCheckpoint.isEmpty, "checkpoints inside transactions: \(withCheckpoint.prefix(5))")
        await store.close()
    }

    @Test func sqliteAutomaticCheckpointIsOff() async throws {
        let directory = try TemporaryDirectory()
        let store = try KioskStore(path: directory.file("kiosk.db"))
        #expect(try await store.scalar("PRAGMA wal_autocheckpoint") == .integer(0))
        await store.close()
    }

    static func size(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}

extension KioskStore {
    /// Tells `observer` of every write transaction's begin and commit (tests).
    func observeTransactions(_ observer: @escaping @Sendable (_ operation: String, _ committed: Bool) -> Void) {
        transactionObserver = observer
    }

    /// Frames in the WAL after the last commit (tests).
    func walFrames() -> Int { database?.walFrames ?? 0 }
}

/// Calls the store from the store's own executor, as the flows and the print queue do.
actor CallerOnTheStoresExecutor {
    let store: KioskStore

    init(_ store: KioskStore) { self.store = store }

    nonisolated var unownedExecutor: UnownedSerialExecutor { store.unownedExecutor }

    /// Appends `count` events back to back, awaiting nothing but the store (which never
    /// suspends here); returns the most WAL frames seen after a commit.
    func appendBackToBack(_ count: Int) async throws -> Int {
        var peak = 0
        for _ in 0..<count {
            _ = try await store.appendEvent(type: "kiosk.health", data: [1], occurredAt: PowerCutTrial.base)
            peak = max(peak, await store.walFrames())
        }
        return peak
    }
}
