import KioskService
import KioskStore
import KioskSystem

/// `kioskctl status`: what the running service says (printer, scanner, clerk mode,
/// forwarder), and the outbox as the database holds it. When kioskd is not running, the
/// database alone.
enum StatusCommand {
    struct Report: Encodable {
        var database: String
        var recoveredFromCorruption: String?
        var pending: Int
        var oldestPendingAt: String?
        var deadLetters: Int
        var delivered: Int
        var lastDeliveredAt: String?
        var lastSeq: Int64
        var pendingPrintJobs: Int
        var updatesCursor: String?
        /// The service's own `status` answer; absent when kioskd is not running.
        var service: ControlJSON?
        /// Why the service did not answer (`kioskd is not running …`).
        var serviceUnavailable: String?
    }

    /// `--json` when the service answered but the database could not be read.
    struct ServiceOnlyReport: Encodable {
        var service: ControlJSON
        var databaseUnavailable: String
    }

    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let endpoint = try ServiceConnection.endpoint(&arguments, consumingConfig: false)
        var service: ControlValue?
        var serviceProblem: String?
        do {
            service = try ServiceConnection.client(endpoint, defaultTimeout: .seconds(10)).request(
                .object(["request": .string("status")]))
        } catch {
            serviceProblem = error.description
            if !error.meansServiceUnavailable { FileHandleOutput.standardError("kioskctl: \(error.description)\n") }
        }
        let store: KioskStore
        do {
            store = try DatabaseLocation.open(&arguments)
            try arguments.expectEnd()
        } catch let failure as CommandFailure {
            // Technicians may not read the state directory; the service's answer is enough then.
            guard let service else { throw failure }
            if json {
                JSONOutput.print(
                    ServiceOnlyReport(service: ControlJSON(value: service), databaseUnavailable: failure.message))
            } else {
                printService(service)
                print("database        not readable: \(failure.message)")
            }
            return ExitCode.ok
        }
        let summary = try await store.summary()
        let report = Report(
            database: store.path, recoveredFromCorruption: store.recovery?.movedTo, pending: summary.pending,
            oldestPendingAt: summary.oldestPendingAt?.description, deadLetters: summary.deadLetters,
            delivered: summary.delivered, lastDeliveredAt: summary.lastDeliveredAt?.description,
            lastSeq: summary.lastSeq, pendingPrintJobs: try await store.pendingPrintJobs().count,
            updatesCursor: try await store.updatesCursor(), service: service.map { ControlJSON(value: $0) },
            serviceUnavailable: service == nil ? serviceProblem : nil)
        await store.close()
        if json {
            JSONOutput.print(report)
        } else {
            if let service {
                printService(service)
            } else {
                print("service         \(serviceProblem ?? "not running")")
            }
            print("database        \(report.database)")
            if let moved = report.recoveredFromCorruption { print("RECOVERED       corrupt file kept as \(moved)") }
            print(
                "backlog         \(report.pending) event(s) waiting"
                    + (report.oldestPendingAt.map { ", oldest \($0)" } ?? ""))
            print("dead letters    \(report.deadLetters)" + (report.deadLetters > 0 ? "  (kioskctl queue dead)" : ""))
            print("delivered       \(report.delivered)" + (report.lastDeliveredAt.map { ", last at \($0)" } ?? ""))
            print("last seq        \(report.lastSeq)")
            print("print jobs      \(report.pendingPrintJobs) waiting")
        }
        return ExitCode.ok
    }

    private static func printService(_ answer: ControlValue) {
        if answer.isErrorAnswer {
            print("service         running, but status failed: \(answer["message"]?.stringValue ?? answer.json)")
            return
        }
        print("service         running")
        for line in ControlValueText.lines(answer) { print("  " + line) }
    }
}
