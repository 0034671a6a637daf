import Foundation
import KioskSystem
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// kioskd's threads as a technician sees them (`ps -L -p PID`, `/proc/PID/task/*/comm`): each
/// of its own threads carries its name, and idle control clients cost no thread.
@Suite struct ThreadsEndToEndTests {
    @Test func kioskdsThreadsAreNamedAndIdleControlClientsAddNone() async throws {
        let kiosk = try KioskdProcess()
        try kiosk.start()
        #expect(await kiosk.waitForLog("kioskd started"))
        let pid = kiosk.process.processIdentifier
        let socket = kiosk.directory.path + "/control.sock"
        // Ten requests first: every part has started and the pool has done some work.
        let warm = try await NamedThread.run("test-control") { () -> [String?] in
            let client = try ControlLineClient(socketPath: socket)
            return (0..<10).map { _ in client.ask(#"{"request":"status"}"#) }
        }
        #expect(warm.allSatisfy { $0?.contains(#""ok":true"#) == true })
        let before = Self.threadNames(of: pid)
        for name in ["kioskd", "kiosk-store", "printer-link", "kiosk-scanner", "kiosk-http", "kiosk-control"] {
            #expect(before.contains(name), "no thread named \(name) in \(before)")
        }
        // Ten clients, each answered once (so surely admitted), then idle.
        let idle = try await NamedThread.run("test-control") { () -> IdleClients in
            let clients = try (0..<10).map { _ in try ControlLineClient(socketPath: socket) }
            let answered = clients.filter { $0.ask(#"{"request":"status"}"#)?.contains(#""ok":true"#) == true }
            return IdleClients(clients: clients, answered: answered.count)
        }
        #expect(idle.answered == 10)
        let with = Self.threadNames(of: pid)
        // The service's own threads are the same; only the pool may differ, and not by a
        // thread per client (one per client was ten more).
        #expect(Self.own(with) == Self.own(before), "before \(before), with ten idle clients \(with)")
        #expect(with.count < before.count + 3, "before \(before), with ten idle clients \(with)")
        withExtendedLifetime(idle) {}
        await kiosk.stop()
    }

    /// The name of every thread of `pid`.
    static func threadNames(of pid: Int32) -> [String] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.compactMap { try? String(contentsOfFile: "/proc/\(pid)/task/\($0)/comm", encoding: .utf8) }
            .map { $0.trimmingCharacters(in: .newlines) }.sorted()
    }

    /// The threads kioskd starts itself: all but the Swift concurrency pool's Dispatch
    /// workers (named after their queue's label: `oot.default-qos`, `-qos.overcommit`).
    static func own(_ names: [String]) -> [String] { names.filter { !$0.contains("qos") } }
}

/// Connections kept open by the test.
///
/// `@unchecked Sendable`: handed from the thread that opened them to the test, which only
/// keeps them alive.
final class IdleClients: @unchecked Sendable {
    let clients: [ControlLineClient]
    let answered: Int

    init(clients: [ControlLineClient], answered: Int) {
        self.clients = clients
        self.answered = answered
    }
}
