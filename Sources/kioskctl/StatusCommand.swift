import KioskStore
import KioskSystem

/// `kioskctl status`: the outbox as the database holds it.
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
    }

    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let store = try DatabaseLocation.open(&arguments)
        try arguments.expectEnd()
        let summary = try await store.summary()
        let report = Report(
            database: store.path, recoveredFromCorruption: store.recovery?.movedTo, pending: summary.pending,
            oldestPendingAt: summary.oldestPendingAt?.description, deadLetters: summary.deadLetters,
            delivered: summary.delivered, lastDeliveredAt: summary.lastDeliveredAt?.description,
            lastSeq: summary.lastSeq, pendingPrintJobs: try await store.pendingPrintJobs().count,
            updatesCursor: try await store.updatesCursor())
        await store.close()
        if json {
            JSONOutput.print(report)
        } else {
            print("database        \(report.database)")
            if let moved = report.recoveredFromCorruption { print("RECOVERED       corrupt file kept as \(moved)") }
            print("backlog         \(report.pending) event(s) waiting" + (report.oldestPendingAt.map { ", oldest \($0)" } ?? ""))
            print("dead letters    \(report.deadLetters)" + (report.deadLetters > 0 ? "  (kioskctl queue dead)" : ""))
            print("delivered       \(report.delivered)" + (report.lastDeliveredAt.map { ", last at \($0)" } ?? ""))
            print("last seq        \(report.lastSeq)")
            print("print jobs      \(report.pendingPrintJobs) waiting")
        }
        return ExitCode.ok
    }
}
