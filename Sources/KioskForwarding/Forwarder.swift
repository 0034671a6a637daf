import KioskDomain
import KioskProtocol
import KioskStore
import KioskSystem

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Sends the outbox to the central server, per central-protocol.md: batches in `seq` order,
/// one request in flight, full-jitter backoff, `Retry-After`, 413 halving, dead letters only
/// for per-event rejections. Nothing is ever dropped because a whole request failed.
///
/// Batch size after 413: halved at once (never below 1); after `successesBeforeGrowing`
/// successful batches in a row it doubles back toward `[Central] BatchSize=`. Doubling after
/// every success would cost a 413 every other batch against a server whose limit sits
/// between two sizes; waiting a few batches keeps that to a few percent of requests.
/// A single event still answered 413 is not dropped: the forwarder backs off and retries it
/// (a technician sees the error in the status).
public actor Forwarder {
    private let store: KioskStore
    private let client: CentralClient
    private let configuration: ForwarderConfiguration
    private let clock: ForwardingClock
    private let logger: Logger
    /// The error last logged at warning in this outage; nil while deliveries succeed.
    private var warnedError: String?
    private var backoff: Backoff
    private var current: ForwarderStatus
    private var successesAtReducedSize = 0
    private var nudged = false
    private var idleWaiter: CheckedContinuation<Void, Never>?
    private var idleTimer: Task<Void, Never>?

    /// Creates a forwarder; it does nothing until `run()` or `drain()`.
    public init(
        store: KioskStore, client: CentralClient, configuration: ForwarderConfiguration = ForwarderConfiguration(),
        clock: ForwardingClock = .system, random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
        logger: Logger = .discarding
    ) {
        self.store = store
        self.client = client
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.backoff = Backoff(base: configuration.backoffBase, cap: configuration.backoffCap, random: random)
        self.current = ForwarderStatus(batchSize: configuration.batchSize)
        if !client.isEnabled { current.state = .disabled }
    }

    /// A snapshot of what the forwarder is doing.
    public var status: ForwarderStatus { current }

    /// Tells an idle forwarder that a new event was written. Never cuts a backoff short.
    public func nudge() {
        if let waiter = idleWaiter {
            idleWaiter = nil
            waiter.resume()
        } else {
            nudged = true
        }
    }

    /// Forwards until the task is cancelled; idles when the outbox is empty. With no
    /// `[Central] URL=` it only waits for cancellation (events stay queued).
    public func run() async {
        guard client.isEnabled else {
            logger.log(.info, "forward.disabled", ["reason": "no [Central] URL="])
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            return
        }
        logger.log(.info, "forward.start", ["batch_size": "\(current.batchSize)", "url": client.baseURL])
        do {
            while true { _ = try await step(stopWhenEmpty: false) }
        } catch {
            // Only cancellation ends the loop.
        }
        current.state = .stopped
    }

    /// Forwards until the outbox has no pending event, then returns (benchmarks, tests,
    /// `kioskctl` flushes). Throws `CancellationError` when cancelled; returns at once when
    /// forwarding is disabled.
    public func drain() async throws {
        guard client.isEnabled else { return }
        while try await step(stopWhenEmpty: true) {}
        current.state = .idle
    }

    // MARK: - One step

    /// Sends one batch (or idles, or waits out a failure). Returns false when the outbox is
    /// empty and `stopWhenEmpty`.
    private func step(stopWhenEmpty: Bool) async throws -> Bool {
        try Task.checkCancellation()
        nudged = false
        let events: [OutboxEvent]
        do {
            events = try await store.pendingEvents(limit: current.batchSize)
        } catch {
            try await fail("store: \(error)", events: [], delay: backoff.nextDelay())
            return true
        }
        if events.isEmpty {
            current.state = .idle
            if stopWhenEmpty { return false }
            await idle()
            return true
        }

        current.state = .sending
        let sentAt = clock.now()
        let (batch, body) = makeBatch(events, sentAt: sentAt.description)
        let result = await client.send(
            method: "POST", pathAndQuery: "/v1/events", body: body, contentType: "application/json")
        let now = clock.now()

        if case .success(let response) = result, response.status == 200,
            let answer = BatchResults(json: response.body)
        {
            let progress: Int
            do {
                progress = try await apply(answer, to: batch, at: now)
            } catch {
                try await fail("store: \(error)", events: [], delay: backoff.nextDelay())
                return true
            }
            if progress > 0 {
                succeed(batchCount: batch.count, at: now)
            } else {
                // A 200 that settles nothing must not turn into a tight loop.
                try await fail(
                    "central: answer settled none of the \(batch.count) events sent", events: batch,
                    delay: backoff.nextDelay())
            }
            return true
        }

        let (trouble, text, skew) = CentralAnswer.trouble(result, now: now.unixSeconds)
        if let note = CentralAnswer.debugNote(result) { logger.log(.debug, "central.error-note", ["note": note]) }
        if let skew { current.clockSkewSeconds = skew }
        switch trouble {
        case .tooLarge where batch.count > 1:
            let smaller = max(1, min(batch.count, current.batchSize) / 2)
            current.batchSize = smaller
            successesAtReducedSize = 0
            logger.log(
                .warning, "forward.too-large",
                ["events": "\(batch.count)", "bytes": "\(body.count)", "batch_size": "\(smaller)"])
            try await fail(text + ", batch size now \(smaller)", events: batch, delay: 0)
        case .tooLarge:
            try await fail(
                text + " even for one event (seq \(batch[0].seq))", events: batch, delay: backoff.nextDelay())
        case .overloaded(let retryAfter?):
            backoff.countFailure()
            try await fail(text, events: batch, delay: min(retryAfter, configuration.maxRetryAfter))
        case .overloaded(nil), .backOff:
            try await fail(text, events: batch, delay: backoff.nextDelay())
        }
        return true
    }

    /// Builds the batch body, trimming events from the end so it stays under
    /// `maxBodyBytes` (a single event is always sent, whatever its size).
    private func makeBatch(_ events: [OutboxEvent], sentAt: String) -> ([OutboxEvent], [UInt8]) {
        let kiosk = client.kioskId
        let wire = events.map {
            WireEvent(id: $0.id, seq: $0.seq, type: $0.type, occurredAt: $0.occurredAt.description, data: $0.data)
        }
        // The usual case: the whole batch fits, and is encoded once.
        let whole = EventBatchBody.encode(kiosk: kiosk, sentAt: sentAt, events: wire)
        if whole.count <= configuration.maxBodyBytes || wire.count <= 1 { return (events, whole) }
        // The last event has no separating comma.
        var size = EventBatchBody.encode(kiosk: kiosk, sentAt: sentAt, events: []).count - 1
        var count = 0
        for event in wire {
            let added = EventBatchBody.encodedSize(of: event)
            if count > 0 && size + added > configuration.maxBodyBytes { break }
            size += added
            count += 1
        }
        var body = EventBatchBody.encode(kiosk: kiosk, sentAt: sentAt, events: Array(wire[..<count]))
        while body.count > configuration.maxBodyBytes && count > 1 {
            count -= 1
            body = EventBatchBody.encode(kiosk: kiosk, sentAt: sentAt, events: Array(wire[..<count]))
        }
        return (Array(events[..<count]), body)
    }

    /// Marks accepted and duplicate events delivered, moves rejected ones to dead letters,
    /// leaves the rest pending. Returns how many events were settled.
    private func apply(_ answer: BatchResults, to batch: [OutboxEvent], at now: Timestamp) async throws -> Int {
        var results: [String: EventResult] = [:]
        for result in answer.results where results[result.id] == nil { results[result.id] = result }
        var delivered: [OutboxEvent] = []
        var missing: [OutboxEvent] = []
        var dead = 0
        for event in batch {
            guard let result = results[event.id] else {
                missing.append(event)
                continue
            }
            switch result.status {
            case EventResult.accepted, EventResult.duplicate:
                delivered.append(event)
            case EventResult.rejected:
                let reason =
                    result.reason.map { $0.isEmpty ? "rejected by central (no reason given)" : $0 }
                    ?? "rejected by central (no reason given)"
                try await store.moveToDeadLetters(event, reason: reason, at: now)
                dead += 1
                logger.log(
                    .error, "forward.dead-letter",
                    ["id": event.id, "seq": "\(event.seq)", "type": event.type, "reason": String(reason.prefix(120))])
            default:
                missing.append(event)  // an unknown status is not a delivery
            }
        }
        if !delivered.isEmpty { try await store.markDelivered(delivered, at: now) }
        if !missing.isEmpty {
            try await store.recordFailedAttempt(
                missing, error: "not settled in central's answer; sent again", nextAttemptAt: nil)
        }
        current.totalDelivered += delivered.count
        current.totalDeadLettered += dead
        if !delivered.isEmpty || dead > 0 {
            logger.log(
                .debug, "forward.batch",
                [
                    "events": "\(batch.count)", "first_seq": "\(batch[0].seq)", "delivered": "\(delivered.count)",
                    "dead": "\(dead)", "unsettled": "\(missing.count)",
                ])
        }
        return delivered.count + dead
    }

    private func succeed(batchCount: Int, at now: Timestamp) {
        if current.consecutiveFailures > 0 {
            logger.log(.info, "forward.recovered", ["after_failures": "\(current.consecutiveFailures)"])
        }
        warnedError = nil
        backoff.reset()
        current.consecutiveFailures = 0
        // A delivery settles every past problem: none of them describes the kiosk any more.
        current.lastError = nil
        current.lastErrorAt = nil
        current.clockSkewSeconds = nil
        current.lastDeliveryAt = now
        current.nextAttemptAt = nil
        if current.batchSize < configuration.batchSize {
            successesAtReducedSize += 1
            if successesAtReducedSize >= configuration.successesBeforeGrowing {
                current.batchSize = min(configuration.batchSize, current.batchSize * 2)
                successesAtReducedSize = 0
            }
        }
    }

    /// Records a whole-request failure (status, store, log), then waits `delay` seconds
    /// (cancellable; a nudge does not shorten it).
    private func fail(_ text: String, events: [OutboxEvent], delay: Double) async throws {
        let now = clock.now()
        current.lastError = text
        current.lastErrorAt = now
        current.consecutiveFailures += 1
        let due = Timestamp(unixSeconds: now.unixSeconds + Int64(delay.rounded(.up)), offsetSeconds: now.offsetSeconds)
        if !events.isEmpty {
            do {
                try await store.recordFailedAttempt(events, error: text, nextAttemptAt: due)
            } catch {
                logger.log(.warning, "forward.store-error", ["error": "\(error)"])
            }
        }
        // Once per outage at warning (its first failure, and again when the error changes);
        // the retries of the same failure at debug, so an unreachable central server does not
        // write a warning every few seconds. `forward.recovered` (info) ends the outage.
        let priority: LogPriority = warnedError == text ? .debug : .warning
        warnedError = text
        logger.log(
            priority, "forward.failed",
            [
                "error": text, "failures": "\(current.consecutiveFailures)",
                "retry_in_s": secondsText(delay),
            ])
        guard delay > 0 else { return }
        current.state = .backingOff
        current.nextAttemptAt = due
        try await clock.sleep(delay)
        current.nextAttemptAt = nil
    }

    // MARK: - Idle

    private func idle() async {
        if nudged || Task.isCancelled {
            nudged = false
            return
        }
        let interval = configuration.idlePollInterval
        let clock = self.clock
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                idleWaiter = continuation
                idleTimer = Task {
                    try? await clock.sleep(interval)
                    self.wakeIdle()
                }
            }
        } onCancel: {
            Task { await self.wakeIdle() }
        }
        idleTimer?.cancel()
        idleTimer = nil
    }

    private func wakeIdle() {
        if let waiter = idleWaiter {
            idleWaiter = nil
            waiter.resume()
        }
    }
}
