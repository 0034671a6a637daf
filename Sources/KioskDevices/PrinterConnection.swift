import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The printer link's side of the wire, run only on the link's own thread: the open port
/// (or none while the device is missing), reopen backoff, status (asked with `DLE EOT`, or
/// pushed by Automatic Status Back), job transfer, and the checks after jobs, which run while
/// the next job goes out.
final class PrinterConnection {
    private let configuration: PrinterLinkConfiguration
    /// The open port's replies (and the port); nil while the device is missing.
    private var replies: PrinterReplyReader?
    private var port: (any PrinterTransport)? { replies?.port }
    private var backoff: Duration
    private var nextOpenAt: UInt64 = 0
    private var nextCheckAt: UInt64 = 0
    private var openProblem: String?
    /// The state an open failure means: `missing` when there is no device (or it went away),
    /// `offline` when a device is there but cannot be used (busy, not a serial port, a baud
    /// rate its UART refuses, no permission): a technician must act, not just plug it in.
    private var openProblemState: PrinterState = .missing
    /// Whether no stale status answer can be in flight (the printer answered the buffered
    /// request after the last job that could trigger one, or a settled probe found none), so a
    /// probe need not wait out a settle window.
    private var lineQuiet = false
    /// Set when the printer let a job's buffered request go unanswered although its
    /// real-time status stayed ready: it does not know `GS r`, so later jobs are checked
    /// `settleAfterJob` after they drained instead of waiting for that answer.
    private var ignoresProcessedRequest = false
    /// The checks after written jobs that the printer has not settled yet.
    private var sync: PrinterStatusSync
    /// `GS r` answers still to come for checks already settled without them (a printer keeps
    /// its buffer through a fault, and answers once it prints again).
    private var answersToDrop = 0
    /// Set while `answersToDrop` is a guess not yet borne out: a check that then waits in vain
    /// for its answer is not taken as a printer that ignores `GS r` (its own answer may have
    /// been dropped for a late one that never came).
    private var answersGuessed = false
    /// The last probe's answer and when it came (monotonic nanoseconds).
    private var lastCheck: (at: UInt64, state: PrinterState, detail: String?)?
    /// When the port was last opened (monotonic nanoseconds).
    private var openedAt: UInt64 = 0

    /// After the port opens, how long a printer that does not answer yet is asked again
    /// soon (``wakingRecheck``) instead of at the next idle check: a printer plugged in or
    /// switched on takes a moment after its device appears before it answers `DLE EOT`.
    static let wakingWindow: Duration = .seconds(10)
    /// How soon a printer that did not answer in ``wakingWindow`` is asked again.
    static let wakingRecheck: Duration = .milliseconds(250)

    /// `GS a 14`: Automatic Status Back on for on-line/off-line (cover), error and paper roll
    /// sensor changes (bits 1, 2, 3; not the drawer).
    static let enableAutomaticStatus: [UInt8] = [0x1D, 0x61, 0x0E]

    init(configuration: PrinterLinkConfiguration) {
        self.configuration = configuration
        self.backoff = configuration.minimumBackoff
        self.sync = PrinterStatusSync(
            allowance: configuration.printAllowance, settleAfterJob: configuration.settleAfterJob)
    }

    deinit { port?.close() }

    private var usesAutomaticStatus: Bool { configuration.asksStatus && configuration.automaticStatusBack }

    /// Nanoseconds until the next scheduled open attempt, idle check, or step of a check
    /// after a job.
    var nanosecondsToNextDuty: UInt64 {
        let now = monotonicNanoseconds()
        if port != nil, let next = sync.nanosecondsToNextEvent(now: now, probing: freshPushed(now: now) == nil) {
            return next
        }
        let due = port == nil ? nextOpenAt : nextCheckAt
        return due > now ? due - now : 0
    }

    /// Whether an idle check (or open attempt) is due; never while checks after jobs wait
    /// (those ask the printer themselves).
    var isDutyDue: Bool { sync.isEmpty && nanosecondsToNextDuty == 0 }

    /// Whether the port is open now.
    var isOpen: Bool { port != nil }

    /// Whether written jobs wait for their check.
    var hasPendingChecks: Bool { !sync.isEmpty }

    /// Written jobs waiting for their check.
    var pendingCheckCount: Int { sync.count }

    /// The descriptor the link polls while it waits for requests, when the printer may send
    /// something worth reading at once (a pushed status, a `GS r` answer).
    var descriptorToWatch: Int32? {
        guard let port, usesAutomaticStatus || !sync.isEmpty else { return nil }
        return port.fileDescriptor
    }

    /// Whether the printer pushes its status (it answered `GS a` since the port opened).
    var isPushingStatus: Bool { usesAutomaticStatus && replies?.pushed != nil }

    /// When the printer last sent anything, or last answered (monotonic nanoseconds); nil
    /// when nothing was heard since the port opened.
    var lastHeardAt: UInt64? {
        guard let replies, replies.lastHeardAt > 0 else { return nil }
        return replies.lastHeardAt
    }

    func close() {
        port?.close()
        replies = nil
    }

    /// The device folder changed (hot-plug): the next open is tried at once, backoff reset.
    func deviceFolderChanged() {
        guard port == nil else { return }
        nextOpenAt = 0
        backoff = configuration.minimumBackoff
    }

    /// Opens the port if it is closed and the backoff allows; returns its replies when open.
    private func openPort() -> PrinterReplyReader? {
        if let replies { return replies }
        let now = monotonicNanoseconds()
        guard now >= nextOpenAt else { return nil }
        do {
            // Serial, USB printer class or TCP, by the Device= value (PrinterTransportKind).
            let opened = try PrinterTransportKind.open(device: configuration.devicePath, serial: configuration.serial)
            let reader = PrinterReplyReader(port: opened)
            replies = reader
            openProblem = nil
            lineQuiet = false
            ignoresProcessedRequest = false
            answersToDrop = 0
            answersGuessed = false
            backoff = configuration.minimumBackoff
            nextCheckAt = now
            openedAt = now
            if usesAutomaticStatus { enableAutomaticStatus(reader) }
            return replies
        } catch {
            openProblem = error.description
            openProblemState = error.isDeviceMissing || error.isDeviceGone ? .missing : .offline
            nextOpenAt = now + nanoseconds(backoff)
            backoff = min(backoff * 2, configuration.maximumBackoff)
            return nil
        }
    }

    /// Sends `GS a` and waits (at most the status timeout, at connect only) for the first
    /// message the printer sends at once. A printer that sends none (no ASB, or offline and not
    /// processing its buffer yet) is asked with `DLE EOT` until a message comes.
    private func enableAutomaticStatus(_ reader: PrinterReplyReader) {
        do {
            try reader.port.write(Self.enableAutomaticStatus, timeout: configuration.statusTimeout)
            _ = try reader.read(within: configuration.statusTimeout) { reader.pushed != nil }
        } catch {
            if error.needsReopen { drop(error) }
        }
    }

    /// Closes a port that failed; the next open is tried after the minimum backoff.
    private func drop(_ error: SerialPortError) {
        port?.close()
        replies = nil
        openProblem = error.description
        openProblemState = .missing
        backoff = configuration.minimumBackoff
        nextOpenAt = monotonicNanoseconds() + nanoseconds(backoff)
    }

    /// The pushed status when it stands for a probe: a message came since the port opened and
    /// the printer sent something within `pushedStatusLifetime`.
    private func freshPushed(now: UInt64) -> PrinterStatus? {
        // Only where the link enabled it: an ASB message nobody asked for is not trusted.
        guard usesAutomaticStatus, let replies, let pushed = replies.pushed else { return nil }
        guard now - min(now, replies.lastHeardAt) <= nanoseconds(configuration.pushedStatusLifetime) else { return nil }
        return pushed.status
    }

    /// Reads what the printer sent unasked (pushed status, `GS r` answers) without waiting;
    /// a port that fails is dropped.
    private func absorb() {
        guard let replies else { return }
        do {
            try replies.absorbAvailable()
        } catch {
            if error.needsReopen { drop(error) }
        }
    }

    /// The printer's state now, with a detail for technicians. A fresh pushed status (ASB)
    /// stands for a probe. Otherwise a probe younger than `maxAge` that found the printer
    /// ready is reused, so one scan does not ask the printer three times in a row; a fault is
    /// always asked again (the paper may just have been refilled).
    func check(maxAge: Duration = .zero) -> (state: PrinterState, detail: String?) {
        absorb()
        dropOrphanAnswers()
        var now = monotonicNanoseconds()
        if let pushed = freshPushed(now: now) {
            nextCheckAt = now + nanoseconds(configuration.idleCheckInterval)
            return (pushed.state, pushed.description)
        }
        if let last = lastCheck, port != nil, last.state.canPrint, now - last.at <= nanoseconds(maxAge) {
            return (last.state, last.detail)
        }
        let result = probe()
        now = monotonicNanoseconds()
        lastCheck = port == nil ? nil : (now, result.state, result.detail)
        return result
    }

    /// A pushed status that arrived since the last call (the link publishes it), read
    /// without waiting; or the port's loss.
    func takeUnaskedNews() -> (state: PrinterState, detail: String?)? {
        guard replies != nil else { return nil }
        absorb()
        dropOrphanAnswers()
        guard let replies else { return (.missing, openProblem) }
        guard usesAutomaticStatus else { return nil }
        return replies.takePushed().map { ($0.state, $0.description) }
    }

    private func probe() -> (state: PrinterState, detail: String?) {
        nextCheckAt = monotonicNanoseconds() + nanoseconds(configuration.idleCheckInterval)
        guard let replies = openPort() else { return (openProblemState, openProblem) }
        do {
            guard configuration.asksStatus else {
                // No status: an empty zero-time read still reveals a hang-up.
                _ = try replies.port.read(upTo: 256, timeout: .zero)
                return (.ok, nil)
            }
            return askSoonIfWaking(describe(try runProbe(replies, settled: !lineQuiet)))
        } catch {
            if error.needsReopen {
                drop(error)
                return (.missing, error.description)
            }
            return askSoonIfWaking((.offline, error.description))
        }
    }

    /// A port opened moments ago whose printer does not answer yet is asked again soon, not
    /// at the next idle check: it is taken back as soon as it answers.
    private func askSoonIfWaking(_ result: (state: PrinterState, detail: String?)) -> (
        state: PrinterState, detail: String?
    ) {
        let now = monotonicNanoseconds()
        if result.state == .offline, port != nil, now - min(now, openedAt) < nanoseconds(Self.wakingWindow) {
            nextCheckAt = min(nextCheckAt, now + nanoseconds(Self.wakingRecheck))
        }
        return result
    }

    private func runProbe(_ replies: PrinterReplyReader, settled: Bool) throws(SerialPortError)
        -> PrinterStatusProbe.Finding
    {
        let probe = PrinterStatusProbe(
            answerTimeout: configuration.statusTimeout, settle: settled ? configuration.statusSettle : nil,
            flushesInput: !usesAutomaticStatus && sync.isEmpty)
        return try probe.run(on: replies)
    }

    private func describe(_ finding: PrinterStatusProbe.Finding) -> (state: PrinterState, detail: String?) {
        // Four answers and a quiet settle (or a quiet line already): nothing stale in flight.
        if case .answered = finding { lineQuiet = true } else { lineQuiet = false }
        switch finding {
        case .answered(let status): return (status.state, status.description)
        case .noAnswer(let n):
            return (.offline, "no answer to DLE EOT \(n) within \(configuration.statusTimeout)")
        case .garbled: return (.offline, "status answers garbled by unexpected bytes")
        }
    }

    /// Writes a few non-job bytes (the buzzer) if the port is open; failures are ignored here
    /// and found by the next status check.
    func signal(_ bytes: [UInt8]) {
        guard let port else { return }
        try? port.write(bytes, timeout: .milliseconds(200))
    }

    /// Writes every byte of a job and drains them to the printer, without asking the printer
    /// first: the caller decided the printer can print (the flows ask `check()` through the
    /// link, once, before they accept the job). `.written` means the printer has received
    /// the whole job; a closed port is a refusal (nothing sent).
    func send(_ bytes: [UInt8]) -> Result<PrintTransfer, PrintRefusal> {
        guard let port else {
            return .failure(
                PrintRefusal(state: openProblemState, devicePath: configuration.devicePath, detail: openProblem))
        }
        let deadline = MonotonicDeadline(after: configuration.transferTimeout(for: bytes.count))
        if PrinterStatusProbe.mayTriggerAnswers(bytes) { lineQuiet = false }
        lastCheck = nil
        var sent = 0
        do throws(SerialPortError) {
            // Written in chunks, each drained before the next: once a byte is in the kernel's
            // buffer a kill no longer stops it, so the kernel never holds more than one chunk
            // of a job that the job's row does not yet record as written (docs/print-once.md).
            while sent < bytes.count {
                let end = min(bytes.count, sent + max(1, configuration.drainChunk))
                let timeout = Duration.nanoseconds(Int64(clamping: max(deadline.remainingNanoseconds, 1)))
                do {
                    try port.write(Array(bytes[sent..<end]), timeout: timeout)
                } catch {
                    sent += error.bytesWritten ?? 0
                    throw error
                }
                try port.drain(timeout: timeout)
                sent = end
            }
        } catch {
            if error.needsReopen {
                drop(error)
            } else {
                // Whatever is still queued belongs to a job that will be printed again.
                try? port.discardOutput()
            }
            return .success(
                .incomplete(bytesWritten: sent, of: bytes.count, detail: error.description)
            )
        }
        var asked = false
        if configuration.asksStatus && !ignoresProcessedRequest {
            do {
                try port.write(PrinterStatusSync.processedRequest, timeout: configuration.statusTimeout)
                asked = true
            } catch {
                // Flow control held (the printer is not taking bytes) or the port failed: the
                // check probes instead; a failed port is found there.
                if error.needsReopen { drop(error) }
            }
        }
        sync.add(awaitsProcessed: asked, now: monotonicNanoseconds())
        return .success(.written(bytes: bytes.count))
    }

    /// Moves the checks after jobs on, without waiting: takes `GS r` answers and pushed status
    /// that arrived, and asks the printer in real time when a probe or a deadline is due.
    /// Returns the outcomes of the checks settled, oldest first. `.printed` only when the
    /// printer processed the job and reports no fault; `.faultAfter` when it reports one;
    /// `.unconfirmed` when it does not answer (silent, or gone).
    func advanceChecks() -> [PrintOutcome] {
        guard !sync.isEmpty else { return [] }
        guard let replies else {
            return settleAll(.unconfirmed(stateAfter: .missing, detail: openProblem ?? "device gone after the job"))
        }
        var outcomes: [PrintOutcome] = []
        do {
            guard configuration.asksStatus else {
                // No status: an empty zero-time read still reveals a hang-up.
                _ = try replies.port.read(upTo: 256, timeout: .zero)
                return settleAll(.printed(stateAfter: .ok))
            }
            try replies.absorbAvailable()
            try settleProcessed(replies, into: &outcomes)
            let now = monotonicNanoseconds()
            if let pushed = freshPushed(now: now), !pushed.state.canPrint {
                // The printer pushed a fault: it stopped, nothing still waiting was processed.
                return outcomes + settleAll(.faultAfter(stateAfter: pushed.state, detail: pushed.description))
            }
            let headDue = sync.isHeadDue(now: now)
            guard headDue || (sync.isProbeDue(now: now) && freshPushed(now: now) == nil) else { return outcomes }
            let finding = try runProbe(replies, settled: !lineQuiet)
            let result = describe(finding)
            sync.probed(now: monotonicNanoseconds())
            lastCheck = (monotonicNanoseconds(), result.state, result.detail)
            // Answers that came during the probe settle their checks first.
            try settleProcessed(replies, into: &outcomes)
            if sync.isEmpty { return outcomes }
            guard case .answered = finding else {
                return outcomes
                    + settleAll(.unconfirmed(stateAfter: result.state, detail: result.detail ?? result.state.reason))
            }
            guard result.state.canPrint else {
                return outcomes
                    + settleAll(.faultAfter(stateAfter: result.state, detail: result.detail ?? result.state.reason))
            }
            if headDue {
                // Ready, and no answer to `GS r` within the allowance: a printer that does not
                // know it. Its job counts as printed; later ones are checked after a pause.
                if answersGuessed {
                    answersGuessed = false
                    answersToDrop = 0
                } else if sync.checks[0].awaitsProcessed {
                    ignoresProcessedRequest = true
                    sync.stopAwaitingProcessed()
                }
                sync.removeOldest(1, now: monotonicNanoseconds())
                outcomes.append(.printed(stateAfter: result.state))
            }
        } catch {
            if error.needsReopen {
                drop(error)
                return outcomes + settleAll(.unconfirmed(stateAfter: .missing, detail: error.description))
            }
            return outcomes + settleAll(.unconfirmed(stateAfter: .offline, detail: error.description))
        }
        return outcomes
    }

    /// Settles the checks that `GS r` answers received so far speak for. The last check of a
    /// run is followed by a real-time probe (unless a pushed status stands), as before a job.
    private func settleProcessed(_ replies: PrinterReplyReader, into outcomes: inout [PrintOutcome])
        throws(SerialPortError)
    {
        while replies.hasProcessed, !sync.isEmpty {
            guard let answer = replies.takeProcessed() else { break }
            if answersToDrop > 0 {
                // The answer to a request whose check was settled without it (a fault).
                answersToDrop -= 1
                continue
            }
            let settled = sync.settledByProcessedAnswer()
            guard settled > 0 else { continue }
            answersGuessed = false
            let now = monotonicNanoseconds()
            sync.removeOldest(settled, now: now)
            // Every real-time answer the jobs before this request triggered came before it.
            if sync.isEmpty { lineQuiet = true }
            var state: PrinterState = answer & 0x03 != 0 ? .paperNearEnd : .ok
            var detail: String? = nil
            if let pushed = freshPushed(now: now) {
                (state, detail) = (pushed.state, pushed.description)
            } else if sync.isEmpty {
                // The printer is idle now: its real-time status after the job, as the next
                // scan will want it (a quiet line: four round trips, no wait).
                let finding = try runProbe(replies, settled: !lineQuiet)
                (state, detail) = describe(finding)
                lastCheck = (monotonicNanoseconds(), state, detail)
                if case .answered = finding {
                } else {
                    for _ in 1..<settled { outcomes.append(.printed(stateAfter: .ok)) }
                    outcomes.append(.unconfirmed(stateAfter: state, detail: detail ?? state.reason))
                    continue
                }
            }
            for _ in 1..<settled { outcomes.append(.printed(stateAfter: state)) }
            outcomes.append(
                state.canPrint
                    ? .printed(stateAfter: state) : .faultAfter(stateAfter: state, detail: detail ?? state.reason))
            nextCheckAt = monotonicNanoseconds() + nanoseconds(configuration.idleCheckInterval)
        }
    }

    /// Drops `GS r` answers no check waits for (their checks were settled without them).
    private func dropOrphanAnswers() {
        guard sync.isEmpty, let replies else { return }
        while replies.takeProcessed() != nil { answersToDrop = max(0, answersToDrop - 1) }
    }

    /// Settles every waiting check with `outcome` (the printer stopped, went silent or away).
    private func settleAll(_ outcome: PrintOutcome) -> [PrintOutcome] {
        // Their `GS r` answers may still come (the printer resumes after a refill): dropped.
        let unanswered = sync.checks.filter(\.awaitsProcessed).count
        answersToDrop += unanswered
        if unanswered > 0 { answersGuessed = true }
        let outcomes = Array(repeating: outcome, count: sync.count)
        sync.removeOldest(sync.count, now: monotonicNanoseconds())
        nextCheckAt = monotonicNanoseconds() + nanoseconds(configuration.idleCheckInterval)
        return outcomes
    }

    /// Blocks until the oldest waiting check settles (polling the port, no fixed sleep);
    /// returns what settled. For one-job callers that have nothing else to do meanwhile.
    func awaitChecks() -> [PrintOutcome] {
        while !sync.isEmpty {
            let outcomes = advanceChecks()
            if !outcomes.isEmpty { return outcomes }
            let due = MonotonicDeadline(afterNanoseconds: max(1_000_000, nanosecondsToNextDuty))
            _ = try? waitForDescriptors([descriptorToWatch ?? -1], until: due)
        }
        return []
    }

    /// The link stops: checks still waiting end unconfirmed (the jobs stay `written`, and the
    /// next run asks the printer about them).
    func abandonChecks() -> [PrintOutcome] {
        settleAll(.unconfirmed(stateAfter: .offline, detail: "the printer link stopped before the printer confirmed"))
    }

    private func nanoseconds(_ d: Duration) -> UInt64 { PrinterStatusSync.nanoseconds(d) }
}
