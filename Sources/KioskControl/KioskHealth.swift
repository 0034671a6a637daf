import KioskDomain
import KioskSystem

/// Whether the kiosk is healthy, decided in this one place from the service's `status`
/// answer: what `kioskctl status` prints as its verdict and turns into its exit code.
///
/// Degraded: the printer cannot print or its paper is nearly out, the scanner is missing,
/// the database cannot be read or written, the oldest undelivered event has waited longer than the allowed backlog age (only when
/// forwarding is configured), or there are dead letters.
public struct KioskHealth: Sendable, Equatable {
    /// The verdict, in the words `kioskctl status` prints.
    public enum Verdict: String, Sendable, Equatable {
        /// Everything works.
        case healthy
        /// Running, but something needs a technician.
        case degraded
        /// kioskd is not running.
        case notRunning = "not-running"
        /// kioskd could not be asked (permission, busy, no answer).
        case unknown
    }

    /// The verdict.
    public var verdict: Verdict
    /// What is wrong, one short phrase each: `printer paper-out`.
    public var problems: [String]

    /// Creates a verdict.
    public init(verdict: Verdict, problems: [String] = []) {
        self.verdict = verdict
        self.problems = problems
    }

    /// The backlog age above which the kiosk is degraded unless told otherwise.
    public static let defaultMaximumBacklogAge: Duration = .seconds(3600)

    /// Judges a `status` answer at `now`.
    public static func assess(
        status answer: ControlValue, now: Timestamp, maximumBacklogAge: Duration = defaultMaximumBacklogAge
    ) -> KioskHealth {
        if answer.isErrorAnswer {
            return KioskHealth(
                verdict: .unknown, problems: ["status failed: \(answer["message"]?.stringValue ?? "no reason given")"])
        }
        var problems: [String] = []
        let printer = answer["printer"]?["state"]?.stringValue ?? "unknown"
        if printer != "ok" { problems.append("printer \(printer)") }
        let scanner = answer["scanner"]?["state"]?.stringValue ?? "unknown"
        if scanner != "ok" { problems.append("scanner \(scanner)") }
        if let database = answer["database"]?["state"]?.stringValue, database != "ok" {
            problems.append("database \(database)")
        }
        let forwarding = answer["central"]?["url"]?.stringValue != nil
        if forwarding, let text = answer["oldestPendingAt"]?.stringValue, let oldest = Timestamp(rfc3339: text) {
            let age = now.unixSeconds - oldest.unixSeconds
            if age > maximumBacklogAge.totalMilliseconds / 1000 {
                let backlog = answer["backlog"]?.intValue ?? 0
                problems.append(
                    "backlog \(backlog) event(s), oldest waiting \(Self.words(seconds: age)) "
                        + "(over \(Self.words(seconds: maximumBacklogAge.totalMilliseconds / 1000)))")
            }
        }
        let dead = answer["deadLetters"]?.intValue ?? 0
        if dead > 0 { problems.append("\(dead) dead letter(s)") }
        return KioskHealth(verdict: problems.isEmpty ? .healthy : .degraded, problems: problems)
    }

    /// `3h 5min`, `40s`.
    static func words(seconds: Int64) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)min" }
        if seconds < 86400 { return "\(seconds / 3600)h" + (seconds % 3600 >= 60 ? " \(seconds % 3600 / 60)min" : "") }
        return "\(seconds / 86400)d" + (seconds % 86400 >= 3600 ? " \(seconds % 86400 / 3600)h" : "")
    }
}
