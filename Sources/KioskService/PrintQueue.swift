import ESCPOS
import KioskDevices
import KioskDomain
import KioskReceipts
import KioskStore
import KioskSystem
import Synchronization

/// Prints the store's pending print jobs, oldest first, each once, and records every step of
/// each copy in the job's row, so a restart knows how far the last copy got
/// (docs/print-once.md):
///
/// - `queued` → the copy is started (`sending`, fsynced before the first byte; an intake's
///   receipt is written `sending` by the intake's own transaction) → every byte written and
///   drained (`written`) → the printer processed it and reports no fault → the row is deleted.
/// - A copy the printer reports it did not print whole (paper ran out, cover opened, error
///   during the job) or that did not get out whole goes back to `queued`, marked to print
///   under the `ReprintBanner`; after `maximumAttempts` copies the job is `held` with the
///   reason, for a technician, instead of printing in a loop.
/// - At start, a job another (crashed) run left `written` reached the printer whole: it is
///   confirmed with the printer's status, not printed again, unless the printer now reports
///   paper out or cover open. A job left `sending` may be partly printed: it is printed once
///   more, marked; if that reprint is interrupted by a crash too, the job is held.
/// - A durable job (a dossier's receipt or hand-back slip, `durableKinds`) is also marked when
///   late (created more than `lateAfter` ago).
///
/// The queue never decides whether a request prints or is refused: the flows do, asking the
/// printer once, and hand each job they accept here already claimed — at its commit, on the
/// store's thread (`start`: the job's bytes go to the link at once, the queue records its
/// steps when it runs), or afterwards (`submit`). A job that is
/// not durable (a status slip, a test page) gets that one copy: if it does not print whole
/// it is dropped, never printed later for whoever stands at the kiosk when the paper is back.
/// Durable jobs that did not print whole wait here for the printer.
///
/// The queue runs on the store's thread (``unownedExecutor``), as the flows do: recording a
/// copy's steps (`written`, the completion) is a call on the same thread, not a hand-off to
/// the store's thread and back; the link's transfers and checks run on the printer's thread.
public actor PrintQueue {
    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        /// Jobs printed and completed, in order.
        public var printed: [Int64] = []
        /// Of those, the ones printed as a reprint.
        public var reprinted: [Int64] = []
        /// Jobs a crashed run had written whole, confirmed without printing them again.
        public var confirmedWithoutReprint: [Int64] = []
        /// Jobs held for a technician in this pass.
        public var held: [Int64] = []
        /// Jobs dropped because they were late and not worth printing any more.
        public var dropped: [Int64] = []
        /// Why the pass stopped before the end, if it did (a printer state, an outcome, a
        /// store error), never personal data.
        public var stoppedBecause: String?

        /// An empty pass.
        public init() {}
    }

    /// Kinds kept until printed however long it takes; any other kind is dropped once late.
    public static let durableKinds: Set<String> = ["intake-receipt", "intake-receipt-reprint", "hand-back-slip"]

    private let store: KioskStore
    private let link: PrinterLink

    /// The store's executor: the queue's work and its store calls share its one thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { store.unownedExecutor }
    private let profile: PrinterProfile
    /// The reprint banner, encoded when first needed (not at start: encoding may load the
    /// raster font, which a kiosk that never reprints need not pay for at start).
    private var encodedBanner: [UInt8]?
    private let lateAfterSeconds: Int64
    private let retryInterval: Duration
    private let maximumAttempts: Int
    private let logger: Logger?
    private let now: @Sendable () -> Int64
    private let wakes: AsyncStream<Void>
    /// Jobs this run knows more about than their rows say, because recording a step failed
    /// (a full disk): every byte went out, or the printer confirmed the copy. Kept so such a
    /// job is never printed again by this run while its row lags behind.
    private var writtenUnrecorded: Set<Int64> = []
    private var confirmedUnrecorded: Set<Int64> = []
    /// Jobs written whole whose check after the job is still running (`run()` sends the next
    /// job meanwhile): passes leave them alone until the check settles them.
    private var checking: Set<Int64> = []
    /// The tasks settling those checks: `run()` awaits them before it returns, so a stop (or a
    /// reload that changes the printer) finishes the receipt in progress, row included.
    private var checkTasks: [Int64: Task<Void, Never>] = [:]
    /// Whether a copy's check runs on its own while the pass goes on (`run()`), instead of
    /// being awaited before the next job (`printPending()`).
    private var checksRunAlongside = false
    private let wakeContinuation: AsyncStream<Void>.Continuation
    /// What the wakes since the last turn asked for: jobs handed over by the flows, and
    /// whether a pass over the store is due; the jobs already started on the link at their
    /// commit (`start`); and whether the queue is sending on its own now (a pass, or jobs
    /// handed over unstarted), so a job started at its commit never overtakes those.
    private nonisolated let inbox = Mutex(Inbox())

    private struct Inbox {
        var jobs: [PrintJob] = []
        var pass = false
        var started: [Int64: StartedPrint] = [:]
        var sendingOnItsOwn = false
        var stopped = false
    }
    /// Jobs this run has moved on already, so a job handed over by `submit` that a pass found
    /// first (between its commit and its hand-over) is not printed twice.
    private var handled: Set<Int64> = []

    /// Creates a queue over `store`'s print jobs for the printer behind `link`.
    public init(
        store: KioskStore, link: PrinterLink, profile: PrinterProfile, lateAfter: Duration = .seconds(60),
        retryInterval: Duration = .seconds(5), maximumAttempts: Int = 3, logger: Logger? = nil,
        now: @escaping @Sendable () -> Int64 = { wallClockSeconds() }
    ) {
        self.store = store
        self.link = link
        self.profile = profile
        self.lateAfterSeconds = lateAfter.totalMilliseconds / 1000
        self.retryInterval = retryInterval
        self.maximumAttempts = max(1, maximumAttempts)
        self.logger = logger
        self.now = now
        (wakes, wakeContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks `run()` for a pass over the store's pending jobs soon.
    public nonisolated func wake() {
        inbox.withLock { $0.pass = true }
        wakeContinuation.yield()
    }

    /// Hands over a job the flows just wrote claimed (`sending`, this run): `run()` prints it
    /// next without reading it back from the store.
    public nonisolated func submit(_ job: PrintJob) {
        inbox.withLock { $0.jobs.append(job) }
        wakeContinuation.yield()
    }

    /// Hands over a job the flows wrote claimed (`sending`, this run), at once: called on the
    /// store's thread right after the transaction that wrote it committed, so its bytes go to
    /// the printer link's thread before the flows (or this queue) run again. The queue learns
    /// of it through its inbox and records its steps as for any job, awaiting the transfer
    /// the link makes instead of sending it again — a pass that meets the job first does the
    /// same, so it goes out once. Started only when nothing handed over earlier still waits
    /// to be sent and the queue is not sending on its own (a pass: jobs print in the order
    /// they were accepted), and not for a marked reprint (its banner is the queue's) or after
    /// `run()` ended; then it is handed over as `submit` does.
    public nonisolated func start(_ job: PrintJob) {
        let link = self.link
        let ours = job.session == store.printSession && job.stage == .sending && !job.reprint
        inbox.withLock { inbox in
            inbox.jobs.append(job)
            let started = inbox.started
            guard ours, !inbox.stopped, !inbox.sendingOnItsOwn,
                inbox.jobs.allSatisfy({ started[$0.id] != nil || $0.id == job.id })
            else { return }
            // Under the inbox's lock: the link takes jobs in the order they were started.
            inbox.started[job.id] = link.startSend(job.payload)
        }
        wakeContinuation.yield()
    }

    /// The transfer `start` began for `id`, taken once.
    private func takeStarted(_ id: Int64) -> StartedPrint? {
        inbox.withLock { $0.started.removeValue(forKey: id) }
    }

    /// Prints one job handed over by the flows, unless a pass already took it.
    public func printSubmitted(_ job: PrintJob) async -> Pass {
        var pass = Pass()
        guard !handled.contains(job.id) else { return pass }
        do {
            _ = try await handle(job, &pass)
        } catch {
            pass.stoppedBecause = "print job \(job.id): \(error)"
            logger?.log(.error, "print job not recorded", [("job", "\(job.id)"), ("reason", "\(error)")])
        }
        return pass
    }

    private var banner: [UInt8] {
        if let encodedBanner { return encodedBanner }
        let bytes = ReprintBanner.bytes(for: profile)
        encodedBanner = bytes
        return bytes
    }

    /// Whether `job` was created more than `lateAfter` ago.
    public func isLate(_ job: PrintJob) -> Bool {
        now() - job.createdAt.unixSeconds > lateAfterSeconds
    }

    /// Prints pending jobs until one does not print or none is left.
    public func printPending() async -> Pass {
        var pass = Pass()
        let jobs: [PrintJob]
        do {
            jobs = try await store.pendingPrintJobs()
        } catch {
            pass.stoppedBecause = "\(error)"
            return pass
        }
        for job in jobs {
            do {
                guard try await handle(job, &pass) else { return pass }
            } catch {
                pass.stoppedBecause = "print job \(job.id): \(error)"
                logger?.log(.error, "print job not recorded", [("job", "\(job.id)"), ("reason", "\(error)")])
                return pass
            }
        }
        return pass
    }

    /// Moves one job on; false when the pass must stop (the printer cannot print now).
    private func handle(_ job: PrintJob, _ pass: inout Pass) async throws -> Bool {
        remember(job.id)
        let ours = job.session == store.printSession
        let durable = Self.durableKinds.contains(job.kind)
        if checking.contains(job.id) { return true }
        if confirmedUnrecorded.contains(job.id) {
            try await store.completePrintJob(id: job.id)
            confirmedUnrecorded.remove(job.id)
            return true
        }
        if writtenUnrecorded.contains(job.id), job.stage != .written {
            return try await confirmWritten(job, &pass)
        }
        switch job.stage {
        case .held:
            return true
        case .written:
            // Every byte reached the printer (a crash, or a printer gone after the job, came
            // before its confirmation): ask the printer instead of printing it again.
            return try await confirmWritten(job, &pass)
        case .sending where ours:
            // Claimed by the intake's own transaction: its first attempt is already recorded.
            return try await printCopy(job, reprint: job.reprint, recorded: true, &pass)
        case .sending where !durable, .queued where !durable:
            // A slip asked for by someone who has gone since (a crash, an older run): printed
            // when asked or not at all.
            try await drop(job, "dropped: a \(job.kind) prints when asked or not at all", &pass)
            return true
        case .sending:
            guard job.crashReprints == 0 else {
                try await hold(
                    job,
                    "a crash interrupted its reprint after an earlier crash; check the last receipt printed,"
                        + " then reprint it (kioskctl reprint) if it is incomplete", &pass)
                return true
            }
            return try await printCopy(job, reprint: true, recorded: false, afterCrash: true, &pass)
        case .queued:
            return try await printCopy(job, reprint: job.reprint || isLate(job), recorded: false, &pass)
        }
    }

    private func confirmWritten(_ job: PrintJob, _ pass: inout Pass) async throws -> Bool {
        let state = await link.status()
        switch state {
        case .ok, .paperNearEnd:
            writtenUnrecorded.remove(job.id)
            try await complete(job)
            pass.confirmedWithoutReprint.append(job.id)
            logResult(job, bytes: job.payload.count, outcome: "confirmed: written whole before, printer \(state)")
            return true
        case .paperOut, .coverOpen:
            // The printer reports it could not print it: one more copy, marked, when it can
            // (a slip that is not durable is dropped instead).
            writtenUnrecorded.remove(job.id)
            if Self.durableKinds.contains(job.kind) {
                try await store.returnPrintJob(id: job.id, reprint: true)
                logResult(job, bytes: job.payload.count, outcome: "not confirmed: printer \(state), will reprint")
            } else {
                try await drop(job, "dropped: not confirmed, printer \(state)", &pass)
            }
            pass.stoppedBecause = "printer \(link.configuration.devicePath): \(state.reason)"
            return false
        case .offline, .missing:
            pass.stoppedBecause = "printer \(link.configuration.devicePath): \(state.reason)"
            return false
        }
    }

    /// Prints one copy of `job`; false when the pass must stop.
    private func printCopy(
        _ job: PrintJob, reprint: Bool, recorded: Bool, afterCrash: Bool = false, _ pass: inout Pass
    ) async throws -> Bool {
        if !recorded {
            // A durable job waiting for the printer (it did not print whole, or a crash
            // interrupted it): asked before the attempt is recorded, so waiting for the paper
            // is not counted as a copy.
            let state = await link.status()
            guard state.canPrint else {
                pass.stoppedBecause = "printer \(link.configuration.devicePath): \(state.reason)"
                return false
            }
            try await store.recordPrintAttempt(id: job.id, reprint: reprint, afterCrash: afterCrash)
        }
        let attempts = recorded ? job.attempts : job.attempts + 1
        let bytes = reprint ? banner + job.payload : job.payload
        let transfer: PrintTransfer
        let confirmation: PrintConfirmation?
        do {
            if recorded, !reprint, let started = takeStarted(job.id) {
                // Started on the link at its commit (`start`): its one transfer, awaited here.
                (transfer, confirmation) = try await started.sent()
            } else {
                (transfer, confirmation) = try await link.sendWithConfirmation(bytes)
            }
        } catch {
            // Nothing was sent: the copy is not started after all.
            if Self.durableKinds.contains(job.kind) {
                try await store.returnPrintJob(id: job.id, reprint: reprint, attemptNotMade: true)
            } else {
                try await drop(job, "dropped: not sent, \(error)", &pass)
            }
            pass.stoppedBecause = "\(error)"
            return false
        }
        if case .incomplete = transfer {
            try await failed(job, attempts: attempts, bytes: bytes.count, outcome: "\(transfer)", &pass)
            return false
        }
        // The window docs/print-once.md names: the printer has every byte, the row does not
        // say so yet. A kill inside it gives one marked second copy.
        let drained = ContinuousClock.now
        do {
            try await store.recordPrintWritten(id: job.id)
        } catch {
            // The copy is out whatever the row says: this run will not print it again.
            writtenUnrecorded.insert(job.id)
            logger?.log(.error, "print job not recorded", [("job", "\(job.id)"), ("reason", "\(error)")])
        }
        let window = ContinuousClock.now - drained
        if checksRunAlongside, let confirmation {
            // The printer may still be printing this copy: its check settles on its own, and
            // the next citizen's receipt goes out meanwhile, not after it.
            checking.insert(job.id)
            checkTasks[job.id] = Task {
                let outcome = await confirmation.outcome
                await self.settleCheck(job, outcome, reprint: reprint, attempts: attempts, bytes: bytes.count, window)
            }
            return true
        }
        return try await settle(
            job, await confirmation?.outcome ?? .unconfirmed(stateAfter: link.lastKnownState, detail: "no check"),
            reprint: reprint, attempts: attempts, bytes: bytes.count, window, &pass)
    }

    /// A check that ran alongside later jobs settled: the job's row is updated as `settle`
    /// does in a pass; a copy that did not print whole makes a pass try again.
    private func settleCheck(
        _ job: PrintJob, _ outcome: PrintOutcome, reprint: Bool, attempts: Int, bytes: Int, _ window: Duration
    ) async {
        var pass = Pass()
        defer {
            checking.remove(job.id)
            checkTasks[job.id] = nil
        }
        do {
            if try await !settle(job, outcome, reprint: reprint, attempts: attempts, bytes: bytes, window, &pass) {
                wake()
            }
        } catch {
            logger?.log(.error, "print job not recorded", [("job", "\(job.id)"), ("reason", "\(error)")])
            wake()
        }
    }

    /// Records a copy's outcome in its row; false when the pass must stop.
    private func settle(
        _ job: PrintJob, _ outcome: PrintOutcome, reprint: Bool, attempts: Int, bytes: Int, _ window: Duration,
        _ pass: inout Pass
    ) async throws -> Bool {
        switch outcome {
        case .printed:
            writtenUnrecorded.remove(job.id)
            try await complete(job)
            pass.printed.append(job.id)
            if reprint { pass.reprinted.append(job.id) }
            logResult(
                job, bytes: bytes, outcome: reprint ? "reprinted" : "printed",
                [
                    (
                        "unrecorded-us",
                        "\(window.totalNanoseconds / 1000)"
                    )
                ])
            return true
        case .unconfirmed:
            // Written whole, then the printer did not answer (silent, unplugged): nothing says
            // it did not print. The job stays `written` and is confirmed — or printed once
            // more, marked, if the printer then reports paper out or cover open — when the
            // printer answers again.
            logResult(job, bytes: bytes, outcome: "\(outcome)")
            pass.stoppedBecause = "print job \(job.id): \(outcome)"
            return false
        case .faultAfter, .incomplete:
            // The printer reports it could not print the copy whole: one more copy, marked.
            writtenUnrecorded.remove(job.id)
            try await failed(job, attempts: attempts, bytes: bytes, outcome: "\(outcome)", &pass)
            return false
        }
    }

    /// Deletes a confirmed job; if that fails, this run remembers the confirmation and only
    /// tries the deletion again.
    private func complete(_ job: PrintJob) async throws {
        do {
            try await store.completePrintJob(id: job.id)
        } catch {
            confirmedUnrecorded.insert(job.id)
            throw error
        }
    }

    /// A copy that did not print whole: printed again, marked, or held after too many copies.
    private func failed(_ job: PrintJob, attempts: Int, bytes: Int, outcome: String, _ pass: inout Pass) async throws {
        pass.stoppedBecause = "print job \(job.id): \(outcome)"
        logResult(job, bytes: bytes, outcome: outcome)
        if !Self.durableKinds.contains(job.kind) {
            try await drop(job, "dropped: \(job.kind) not printed whole", &pass)
        } else if attempts >= maximumAttempts {
            try await hold(job, "\(attempts) copies did not print whole; last: \(outcome)", &pass)
        } else {
            try await store.returnPrintJob(id: job.id, reprint: true)
        }
    }

    /// Deletes a job that is not printed after all, and says so in the log.
    private func drop(_ job: PrintJob, _ outcome: String, _ pass: inout Pass) async throws {
        try await store.completePrintJob(id: job.id)
        pass.dropped.append(job.id)
        logResult(job, bytes: 0, outcome: outcome)
    }

    /// Notes that this run moved `id` on; the oldest half is forgotten past 1024 ids (a job
    /// handed over by `submit` is always among the newest).
    private func remember(_ id: Int64) {
        handled.insert(id)
        if handled.count > 1024 { handled = Set(handled.sorted().suffix(512)) }
    }

    private func hold(_ job: PrintJob, _ reason: String, _ pass: inout Pass) async throws {
        try await store.holdPrintJob(id: job.id, reason: reason)
        pass.held.append(job.id)
        // Held, this run moves it no further on its own: a technician's release (the flows
        // claim it and `submit` it) must not be taken for a job a pass already printed.
        handled.remove(job.id)
        logger?.log(
            .warning, "print job held for a technician",
            [("kind", job.kind), ("job", "\(job.id)"), ("reason", reason), ("do", "kioskctl queue; kioskctl reprint")])
    }

    /// One line per copy: kind, job id, bytes, outcome. Never the receipt's content.
    private func logResult(_ job: PrintJob, bytes: Int, outcome: String, _ extra: [(String, String)] = []) {
        logger?.log(
            .info, "print",
            [("kind", job.kind), ("job", "\(job.id)"), ("bytes", "\(bytes)"), ("outcome", outcome)] + extra)
    }

    /// Runs passes until cancelled: on `wake()`, when the printer becomes ready, and every
    /// `retryInterval`.
    public func run() async {
        checksRunAlongside = true
        let link = self.link
        let interval = retryInterval
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [weak self] in
                for await state in link.stateChanges() where state.canPrint { self?.wake() }
            }
            group.addTask { [weak self] in
                while !Task.isCancelled {
                    self?.wake()
                    try? await Task.sleep(for: interval)
                }
            }
            for await _ in wakes {
                if Task.isCancelled { break }
                let (jobs, pass) = inbox.withLock { inbox in
                    defer {
                        inbox.jobs = []
                        inbox.pass = false
                    }
                    // Jobs started at their commit are on the link already, in order; the
                    // queue's own sends (a pass, a job handed over unstarted) go first.
                    let started = inbox.started
                    inbox.sendingOnItsOwn = inbox.pass || inbox.jobs.contains { started[$0.id] == nil }
                    return (inbox.jobs, inbox.pass)
                }
                for job in jobs { _ = await printSubmitted(job) }
                if pass { _ = await printPending() }
                inbox.withLock { $0.sendingOnItsOwn = false }
            }
            group.cancelAll()
        }
        // Jobs started at their commit are on their way to the printer: their rows are
        // recorded before the queue stops; nothing more is started once it has.
        let started = inbox.withLock { inbox in
            inbox.stopped = true
            let started = inbox.started
            return inbox.jobs.filter { started[$0.id] != nil }
        }
        for job in started { _ = await printSubmitted(job) }
        // The checks still running settle before the queue stops (the link is still open).
        while let (id, task) = checkTasks.first {
            await task.value
            checkTasks[id] = nil
        }
    }
}
