import Foundation
import KioskDomain
import KioskSystem
import KioskTestSupport
import Testing

@testable import KioskStore

/// The store's calls run on its own thread, never on the Swift concurrency pool, where each
/// `synchronous=FULL` commit would hold one of the pool's few threads while it waits for the
/// disk.
@Suite struct StoreThreadTests {
    @Test func everyCallRunsOnTheStoresOwnThread() async throws {
        let dir = try TemporaryDirectory()
        let store = try KioskStore(path: dir.file("kiosk.db"))
        let first = await store.runningThread()
        let record = try await Fixtures.intake(store, receivedAt: Fixtures.time("2026-11-21T09:15:02+07:00"))
        #expect(try await store.pendingEvents(limit: 10).map(\.id) == [record.event.id])
        let later = await store.runningThread()
        // The same kernel thread as the executor's own, never a thread of the pool (the
        // calling task's): the job ran where the executor runs jobs.
        let executor = store.executorThreadID
        #expect(executor != 0)
        #expect(first.id == executor)
        #expect(later.id == executor)
        #expect(first.id != NamedThread.currentID)
        // Its name, as `ps -L` shows it. Once failed in five CI runs with a Dispatch worker's
        // name: Foundation's `Thread.current.name` lost the name whenever the new thread ran
        // before its creator had stored its handle (a naming race, 366 of 2,000 threads in a
        // loop of that pattern; docs/architecture.md, "Threads of kioskd"); the thread now names itself first.
        #expect(first.name == "kiosk-store")
        #expect(later.name == "kiosk-store")
        await store.close()
    }

    @Test func aStoreMadeFromAnotherThreadOfThePoolIsNamedToo() async throws {
        // Each store's thread is created by whichever pool thread runs the test: twenty at
        // once from concurrent tasks, every one named before its first job.
        let dir = try TemporaryDirectory()
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<20 {
                let path = dir.file("s\(i).db")
                group.addTask {
                    let store = try KioskStore(path: path)
                    let running = await store.runningThread()
                    await store.close()
                    return running.name
                }
            }
            var all: [String] = []
            for try await name in group { all.append(name) }
            return all
        }
        #expect(names == Array(repeating: "kiosk-store", count: 20))
    }

    @Test func twoStoresEachHaveTheirOwnThreadAndWorkAtOnce() async throws {
        let dir = try TemporaryDirectory()
        let first = try KioskStore(path: dir.file("a.db"))
        let second = try KioskStore(path: dir.file("b.db"))
        async let a = (0..<20).asyncMap { _ in
            try await first.appendEvent(
                type: "kiosk.health", data: [1], occurredAt: Fixtures.time("2026-11-21T09:15:02+07:00"))
        }
        async let b = (0..<20).asyncMap { _ in
            try await second.appendEvent(
                type: "kiosk.health", data: [2], occurredAt: Fixtures.time("2026-11-21T09:15:02+07:00"))
        }
        #expect(try await a.map(\.seq) == Array(1...20))
        #expect(try await b.map(\.seq) == Array(1...20))
        await first.close()
        await second.close()
    }
}

extension KioskStore {
    /// The kernel id and name of the thread the store's calls run on (`ps -L` shows the name).
    fileprivate func runningThread() -> (id: Int32, name: String) {
        (NamedThread.currentID, NamedThread.currentName)
    }

    /// The kernel id of the executor's own thread.
    fileprivate nonisolated var executorThreadID: Int32 { thread.threadID }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
