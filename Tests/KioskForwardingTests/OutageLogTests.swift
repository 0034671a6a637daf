import KioskSystem
import Synchronization
import Testing

@testable import KioskForwarding

/// While the central server is unreachable, `forward.failed` is a warning once per outage
/// (and again when the error changes); the retries are debug lines; `forward.recovered` (info)
/// ends it.
@Suite struct OutageLogTests {
    @Test func warnsOncePerOutageAndWhenTheErrorChanges() async throws {
        let rig = try ForwardingRig()
        try await rig.fill(120)
        rig.server.injectFault(.status(503, retryAfter: nil, body: nil), count: 3)
        rig.server.injectFault(.status(500, retryAfter: nil, body: nil), count: 2)
        let lines = Mutex<[LogLine]>([])
        let logger = Logger(minimum: .debug) { line in lines.withLock { $0.append(line) } }
        let forwarder = rig.forwarder(batchSize: 100, seed: 7, logger: logger)
        try await forwarder.drain()
        #expect(try rig.expectAllStoredOnce(120))

        let logged = lines.withLock { $0 }
        let failed = logged.filter { $0.event == "forward.failed" }
        #expect(failed.count == 5)
        #expect(
            failed.map(\.priority) == [.warning, .debug, .debug, .warning, .debug],
            "\(failed.map(\.rendered))")
        #expect(failed.prefix(3).allSatisfy { $0.value(of: "error")?.contains("503") == true })
        #expect(failed.suffix(2).allSatisfy { $0.value(of: "error")?.contains("HTTP 500") == true })
        let recovered = logged.filter { $0.event == "forward.recovered" }
        #expect(recovered.count == 1)
        #expect(recovered.first?.priority == .info)
        #expect(recovered.first?.value(of: "after_failures") == "5")
        await rig.tearDown()
    }

    @Test func aNewOutageWarnsAgain() async throws {
        let rig = try ForwardingRig()
        try await rig.fill(50)
        rig.server.injectFault(.status(502, retryAfter: nil, body: nil), count: 2)
        let lines = Mutex<[LogLine]>([])
        let logger = Logger(minimum: .debug) { line in lines.withLock { $0.append(line) } }
        let forwarder = rig.forwarder(batchSize: 100, seed: 3, logger: logger)
        try await forwarder.drain()
        try await rig.fill(50, from: 50)
        rig.server.injectFault(.status(502, retryAfter: nil, body: nil), count: 2)
        try await forwarder.drain()
        #expect(try rig.expectAllStoredOnce(100))

        let logged = lines.withLock { $0 }
        let outage = logged.filter { $0.event == "forward.failed" || $0.event == "forward.recovered" }
        #expect(
            outage.map { "\($0.event) \($0.priority)" } == [
                "forward.failed warning", "forward.failed debug", "forward.recovered info",
                "forward.failed warning", "forward.failed debug", "forward.recovered info",
            ])
        await rig.tearDown()
    }
}
