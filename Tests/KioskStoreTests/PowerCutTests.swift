import Foundation
import KioskTestSupport
import Testing

@testable import KioskStore

/// Power cuts simulated at the storage layer (docs/durability.md): thousands of cuts at
/// random points of a random workload, each followed by a reopen as kioskd does it.
///
/// `KIOSK_POWERCUT_CUTS=10000 swift test --skip-build --filter PowerCutTests` runs the soak;
/// CI runs the default below.
@Suite(.serialized) struct PowerCutTests {
    static let defaultCuts = 2000

    static var cuts: Int {
        ProcessInfo.processInfo.environment["KIOSK_POWERCUT_CUTS"].flatMap(Int.init) ?? defaultCuts
    }

    /// tmpfs where there is one: the reopen's real fsyncs then cost nothing.
    static func scratch() throws -> String {
        let parent = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm/" : NSTemporaryDirectory()
        let path = parent + "kiosk-powercut-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func unsyncedWritesAreWhatACutTakes() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = try PowerCutDisk()
        let path = directory + "/kiosk.db"
        // Committed (synced) before the cut: kept whatever the cut does to what follows.
        let store = try KioskStore(
            path: path, now: { PowerCutTrial.base }, vfs: disk.name,
            checkpoints: CheckpointSchedule(idleDelay: .seconds(3600), walFrameBound: .max))
        let kept = try await Fixtures.intake(store, receivedAt: PowerCutTrial.base)
        // The next commit's writes reach the WAL, then the power goes before its sync.
        disk.arm(afterOperations: 0, mode: .loseAll, seed: 1)
        let before = disk.operations
        _ = try await store.appendEvent(type: "kiosk.health", data: [1], occurredAt: PowerCutTrial.base)
        let perCommit = disk.operations - before
        #expect(perCommit >= 2, "a commit writes, then syncs")
        // Once more, cut at the commit's sync: its writes are lost whole.
        disk.arm(afterOperations: perCommit, mode: .loseAll, seed: 1)
        await #expect(throws: StoreError.self) {
            try await store.appendEvent(type: "kiosk.health", data: [2], occurredAt: PowerCutTrial.base)
        }
        #expect(disk.hasCut)
        #expect(disk.lastCut.pending > 0 && disk.lastCut.applied == 0)
        await store.close()
        disk.restore()

        let reopened = try KioskStore(path: path)
        #expect(reopened.recovery == nil)
        let seqs = try await reopened.pendingEvents(limit: 10).map(\.seq)
        #expect(seqs == [kept.event.seq, kept.event.seq + 1])
        #expect(try await reopened.dossier(code: kept.dossier.code) != nil)
        await reopened.close()
    }

    @Test func thousandsOfCutsLoseNothingCommitted() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = try PowerCutDisk()
        let template = directory + "/version-one.db"
        try PowerCutTemplates.versionOne(at: template)

        // How many writes, truncates and syncs a whole workload makes, so cut points fall
        // anywhere in it (and a tenth past its end: a cut while idle).
        var longest: Int64 = 0
        for seed in UInt64(1)...3 {
            let trial = PowerCutTrial(
                directory: directory, disk: disk, seed: seed, cutAfter: nil, mode: .keepAll, fromVersionOne: seed == 2)
            let (problems, operations) = try await trial.run(versionOneTemplate: template)
            #expect(problems.isEmpty, "\(problems)")
            longest = max(longest, operations)
        }
        let span = longest + longest / 10
        try #require(span > 50, "a workload makes \(longest) storage operations")

        var random = SplitMix64(seed: 0x5EED)
        var problems: [String] = []
        var byMode: [String: Int] = [:]
        for _ in 0..<Self.cuts {
            var seed = random.next()
            if let only = ProcessInfo.processInfo.environment["KIOSK_POWERCUT_SEED"].flatMap(UInt64.init) {
                seed = only
            }
            let mode = PowerCutDisk.Mode.allCases[Int(seed % 5)]
            var cutAfter = 1 + Int64(random.next() % UInt64(span))
            var fromVersionOne = random.next() % 3 == 0
            // To run one failing trial again: its seed, cut point and start file.
            if let only = ProcessInfo.processInfo.environment["KIOSK_POWERCUT_CUT_AFTER"].flatMap(Int64.init) {
                cutAfter = only
                fromVersionOne = ProcessInfo.processInfo.environment["KIOSK_POWERCUT_FROM_V1"] == "1"
            }
            let trial = PowerCutTrial(
                directory: directory, disk: disk, seed: seed, cutAfter: cutAfter, mode: mode,
                fromVersionOne: fromVersionOne)
            problems += try await trial.run(versionOneTemplate: template).problems
            byMode[mode.description, default: 0] += 1
            if problems.count > 20 { break }
        }
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(10))")
        print(
            "power cuts: \(Self.cuts) over \(span) operations a workload, by mode \(byMode.sorted { $0.key < $1.key })")
    }
}
