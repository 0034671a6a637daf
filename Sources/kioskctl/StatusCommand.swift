import Foundation
import KioskControl
import KioskDomain
import KioskStore
import KioskSystem

/// `kioskctl status`: a one-line verdict (``KioskHealth``), the details under it, and the
/// verdict as the exit code, as `systemctl is-active` does: 0 healthy, 1 degraded, 3 not
/// running, 4 cannot tell. While kioskd runs everything comes from its control socket; when
/// it is stopped, the database is read read-only.
enum StatusCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let quiet = arguments.flag("--quiet") || arguments.flag("-q")
        let maximumAge =
            try arguments.option("--max-backlog-age").map { text in
                guard let duration = Self.duration(text) else {
                    throw ArgumentList.UsageError("--max-backlog-age needs a duration such as 30min, 2h or 1d")
                }
                return duration
            } ?? KioskHealth.defaultMaximumBacklogAge
        let endpoint = try ServiceConnection.endpoint(&arguments, consumingConfig: false)
        let source = try DatabaseLocation.source(&arguments)
        try arguments.expectEnd()

        let (health, report, details) = await assess(endpoint: endpoint, source: source, maximumAge: maximumAge)
        if json {
            if !quiet { JSONOutput.print(ControlValue.object(report)) }
        } else if !quiet {
            print(
                health.problems.isEmpty
                    ? health.verdict.rawValue
                    : "\(health.verdict.rawValue): "
                        + health.problems.joined(separator: "; "))
            details.forEach { print($0) }
        }
        switch health.verdict {
        case .healthy: return StatusExitCode.healthy
        case .degraded: return StatusExitCode.degraded
        case .notRunning: return StatusExitCode.notRunning
        case .unknown: return StatusExitCode.unknown
        }
    }

    /// The verdict, the `--json` fields and the detail lines: from the running kioskd, else
    /// (stopped) the database read read-only.
    static func assess(
        endpoint: ServiceConnection.Endpoint, source: DatabaseLocation.Source, maximumAge: Duration
    ) async -> (KioskHealth, [String: ControlValue], [String]) {
        let client = ServiceConnection.client(endpoint, defaultTimeout: .seconds(10))
        let health: KioskHealth
        var report: [String: ControlValue] = [:]
        var details: [String] = []
        do {
            let answer = try client.request(.object(["request": .string("status")]))
            health = KioskHealth.assess(
                status: answer, now: Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970)),
                maximumBacklogAge: maximumAge)
            report["service"] = answer
            details = ["service         running"] + ControlValueText.lines(answer).map { "  " + $0 }
        } catch let error where error.meansServiceUnavailable {
            health = KioskHealth(verdict: .notRunning, problems: ["kioskd is not running"])
            report["serviceUnavailable"] = .string(error.description)
            details = ["service         \(error.description)"]
            let (database, lines) = await databaseSummary(source)
            report["database"] = database
            details += lines
        } catch {
            health = KioskHealth(verdict: .unknown, problems: [error.description])
            report["serviceUnavailable"] = .string(error.description)
            details = ["service         cannot tell: \(error.description)"]
        }
        report["verdict"] = .string(health.verdict.rawValue)
        report["problems"] = .array(health.problems.map { .string($0) })
        return (health, report, details)
    }

    /// The outbox as the database holds it, opened read-only (kioskd is stopped).
    private static func databaseSummary(_ source: DatabaseLocation.Source) async -> (ControlValue, [String]) {
        let path: String
        let store: KioskStore
        do {
            path = try DatabaseLocation.path(of: source)
            store = try DatabaseLocation.open(path: path)
        } catch {
            let reason = (error as? CommandFailure)?.message ?? "\(error)"
            return (.object(["unavailable": .string(reason)]), ["database        not readable: \(reason)"])
        }
        do {
            let summary = try await store.summary()
            let jobs = try await store.pendingPrintJobs().count
            await store.close()
            let value = ControlValue.object([
                "path": .string(path), "pending": .int(Int64(summary.pending)),
                "oldestPendingAt": summary.oldestPendingAt.map { .string($0.description) } ?? .null,
                "deadLetters": .int(Int64(summary.deadLetters)), "delivered": .int(Int64(summary.delivered)),
                "lastDeliveredAt": summary.lastDeliveredAt.map { .string($0.description) } ?? .null,
                "lastSeq": .int(summary.lastSeq), "pendingPrintJobs": .int(Int64(jobs)),
            ])
            var lines = ["database        \(path) (read-only)"]
            lines.append(
                "backlog         \(summary.pending) event(s) waiting"
                    + (summary.oldestPendingAt.map { ", oldest \($0)" } ?? ""))
            lines.append(
                "dead letters    \(summary.deadLetters)" + (summary.deadLetters > 0 ? "  (kioskctl queue dead)" : ""))
            lines.append(
                "delivered       \(summary.delivered)" + (summary.lastDeliveredAt.map { ", last at \($0)" } ?? ""))
            lines.append("print jobs      \(jobs) waiting")
            return (value, lines)
        } catch {
            await store.close()
            return (.object(["unavailable": .string("\(error)")]), ["database        not readable: \(error)"])
        }
    }

    /// `90s`, `30min`, `2h`, `1d`.
    static func duration(_ text: String) -> Duration? {
        let units: [(String, Int64)] = [("min", 60), ("s", 1), ("h", 3600), ("d", 86400)]
        for (unit, seconds) in units where text.hasSuffix(unit) {
            guard let number = Int64(text.dropLast(unit.count)), number > 0 else { return nil }
            return .seconds(number * seconds)
        }
        return nil
    }
}
