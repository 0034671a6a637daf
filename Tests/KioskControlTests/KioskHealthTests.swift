import KioskDomain
import Testing

@testable import KioskControl

/// The one place that decides whether the kiosk is healthy.
@Suite struct KioskHealthTests {
    static let now = Timestamp(unixSeconds: 1_780_000_000)

    static func status(
        printer: String = "ok", scanner: String = "ok", url: ControlValue = .string("https://central.example"),
        oldest: Timestamp? = nil, dead: Int64 = 0
    ) -> ControlValue {
        .ok([
            "printer": .object(["state": .string(printer)]), "scanner": .object(["state": .string(scanner)]),
            "central": .object(["url": url]), "backlog": .int(oldest == nil ? 0 : 3),
            "oldestPendingAt": oldest.map { .string($0.description) } ?? .null, "deadLetters": .int(dead),
        ])
    }

    @Test func healthyOnlyWhenEverythingIsRight() {
        #expect(KioskHealth.assess(status: Self.status(), now: Self.now) == KioskHealth(verdict: .healthy))
        let fresh = Timestamp(unixSeconds: Self.now.unixSeconds - 60)
        #expect(KioskHealth.assess(status: Self.status(oldest: fresh), now: Self.now).verdict == .healthy)
    }

    @Test func eachProblemDegradesAndIsNamed() {
        let old = Timestamp(unixSeconds: Self.now.unixSeconds - 3 * 3600)
        let health = KioskHealth.assess(
            status: Self.status(printer: "paper-near-end", scanner: "missing", oldest: old, dead: 2), now: Self.now)
        #expect(health.verdict == .degraded)
        #expect(health.problems.count == 4)
        #expect(health.problems[0] == "printer paper-near-end")
        #expect(health.problems[1] == "scanner missing")
        #expect(health.problems[2].hasPrefix("backlog 3 event(s), oldest waiting 3h"))
        #expect(health.problems[3] == "2 dead letter(s)")
        // A shorter allowance, an older backlog: still named.
        #expect(
            KioskHealth.assess(
                status: Self.status(oldest: Timestamp(unixSeconds: Self.now.unixSeconds - 600)), now: Self.now,
                maximumBacklogAge: .seconds(300)
            ).verdict == .degraded)
    }

    /// Issue 9: a database kioskd cannot write (left by a run as root) is a problem the
    /// status names, not a healthy kiosk that refuses every intake.
    @Test func aDatabaseThatCannotBeWrittenDegrades() {
        var answer = Self.status()
        if case .object(var fields) = answer {
            fields["database"] = .object(["state": .string("not-writable"), "problem": .string("owner root:root")])
            answer = .object(fields)
        }
        let health = KioskHealth.assess(status: answer, now: Self.now)
        #expect(health.verdict == .degraded)
        #expect(health.problems == ["database not-writable"])
    }

    @Test func aBacklogIsNoProblemWhenForwardingIsOff() {
        let old = Timestamp(unixSeconds: Self.now.unixSeconds - 86400)
        #expect(KioskHealth.assess(status: Self.status(url: .null, oldest: old), now: Self.now).verdict == .healthy)
    }

    @Test func anErrorAnswerCannotTell() {
        #expect(KioskHealth.assess(status: .error("store", "disk"), now: Self.now).verdict == .unknown)
    }
}
