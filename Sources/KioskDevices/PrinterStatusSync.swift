import KioskSystem

/// The checks after jobs that the printer has not settled yet, oldest first — waited for
/// without a fixed sleep and without holding the link: the next job is sent while they run.
///
/// `GS r 1` (transmit paper sensor status), written right after each job, is a buffered
/// command: the printer answers it only when it gets to it in its receive buffer, that is once
/// it has printed the job before it. Answers come in order, so each one settles the oldest
/// check that asked. A printer that cannot print (paper ran out, cover opened) does not process
/// its buffer: while an answer does not come, the link asks in real time every `slice` (or is
/// told by Automatic Status Back), and a fault settles every check at once. A printer that
/// never answers `GS r` is waited for at most `allowance`, then probed as it is, and later
/// jobs are checked `settleAfterJob` after they drained instead.
struct PrinterStatusSync {
    /// One written job's check.
    struct Check {
        /// Whether `GS r 1` followed the job (false: a printer that ignores it, or no status).
        var awaitsProcessed: Bool
        /// When to stop waiting for the answer and probe instead (monotonic nanoseconds).
        var deadline: UInt64
    }

    /// Longest wait for the printer to get through a job once it is at the head of its buffer.
    var allowance: Duration
    /// For printers that ignore `GS r`: the wait after a job drained before its check.
    var settleAfterJob: Duration
    /// How often the printer is asked in real time while an answer has not come.
    var slice: Duration = .milliseconds(250)

    /// Pending checks, oldest first.
    private(set) var checks: [Check] = []
    /// When the next real-time probe is due while checks wait (monotonic nanoseconds).
    private(set) var nextProbeAt: UInt64 = 0

    /// `GS r 1`: paper sensor status, answered after the bytes before it are processed.
    static let processedRequest: [UInt8] = [0x1D, 0x72, 0x01]

    /// Whether any check waits.
    var isEmpty: Bool { checks.isEmpty }

    /// Checks waiting.
    var count: Int { checks.count }

    /// A job went out at `now`; `awaitsProcessed` when `GS r 1` followed it.
    mutating func add(awaitsProcessed: Bool, now: UInt64) {
        let wait = awaitsProcessed ? allowance : settleAfterJob
        checks.append(Check(awaitsProcessed: awaitsProcessed, deadline: now + Self.nanoseconds(wait)))
        if checks.count == 1 { nextProbeAt = now + Self.nanoseconds(slice) }
    }

    /// A `GS r` answer came: how many checks it settles (the oldest one that asked, and any
    /// older ones that did not ask, as the printer processed them first), or 0 when none asked.
    func settledByProcessedAnswer() -> Int {
        guard let index = checks.firstIndex(where: \.awaitsProcessed) else { return 0 }
        return index + 1
    }

    /// Whether the oldest check has waited its longest.
    func isHeadDue(now: UInt64) -> Bool { checks.first.map { now >= $0.deadline } ?? false }

    /// Whether the periodic real-time probe is due.
    func isProbeDue(now: UInt64) -> Bool { !checks.isEmpty && now >= nextProbeAt }

    /// The probe ran at `now`.
    mutating func probed(now: UInt64) { nextProbeAt = now + Self.nanoseconds(slice) }

    /// Removes the `count` oldest checks; the new head's wait starts now at the earliest (the
    /// printer gets to its job only after the ones before).
    mutating func removeOldest(_ count: Int, now: UInt64) {
        checks.removeFirst(min(count, checks.count))
        guard !checks.isEmpty else { return }
        let wait = checks[0].awaitsProcessed ? allowance : settleAfterJob
        checks[0].deadline = max(checks[0].deadline, now + Self.nanoseconds(wait))
    }

    /// Every later check stops waiting for a `GS r` answer (the printer does not give one).
    mutating func stopAwaitingProcessed() {
        for k in checks.indices { checks[k].awaitsProcessed = false }
    }

    /// Nanoseconds from `now` until something is due: the head's deadline, and the periodic
    /// probe unless `probing` is false (a pushed status tells faults instead).
    func nanosecondsToNextEvent(now: UInt64, probing: Bool) -> UInt64? {
        guard let head = checks.first else { return nil }
        let due = probing ? min(head.deadline, nextProbeAt) : head.deadline
        return due > now ? due - now : 0
    }

    static func nanoseconds(_ d: Duration) -> UInt64 { d.totalNanoseconds }
}
