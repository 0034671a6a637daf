import KioskDomain

/// An event in the outbox, as forwarded to the central server.
public struct OutboxEvent: Sendable, Equatable {
    /// Lowercase UUID v4 made when the event was written; never changes.
    public var id: String
    /// 1, 2, 3 … in write order, gapless, never reused (even after purge).
    public var seq: Int64
    /// `dossier.received`, `kiosk.health`, …
    public var type: String
    /// When it happened, with its offset.
    public var occurredAt: Timestamp
    /// The JSON object sent as `data`, UTF-8 bytes, exactly as stored.
    public var data: [UInt8]
    /// Failed delivery attempts so far.
    public var attempts: Int
    /// The last delivery failure, if any.
    public var lastError: String?

    /// Creates an event value.
    public init(
        id: String, seq: Int64, type: String, occurredAt: Timestamp, data: [UInt8], attempts: Int = 0,
        lastError: String? = nil
    ) {
        self.id = id
        self.seq = seq
        self.type = type
        self.occurredAt = occurredAt
        self.data = data
        self.attempts = attempts
        self.lastError = lastError
    }
}

/// An event the server rejected for good: kept for a technician to see and requeue.
public struct DeadLetter: Sendable, Equatable {
    /// The event.
    public var event: OutboxEvent
    /// The server's reason.
    public var reason: String
    /// When it was moved to the dead letters.
    public var at: Timestamp

    /// Creates a dead letter.
    public init(event: OutboxEvent, reason: String, at: Timestamp) {
        self.event = event
        self.reason = reason
        self.at = at
    }
}

/// Counts and times of the outbox, for status lines and `kiosk.health`.
public struct OutboxSummary: Sendable, Equatable {
    /// Events neither delivered nor dead.
    public var pending: Int
    /// `occurredAt` of the first pending event in `seq` order.
    public var oldestPendingAt: Timestamp?
    /// Events in the dead-letter list.
    public var deadLetters: Int
    /// Delivered events still in the database (purge deletes old ones).
    public var delivered: Int
    /// When the last delivery was recorded.
    public var lastDeliveredAt: Timestamp?
    /// The highest `seq` ever written (0 when none), including purged events.
    public var lastSeq: Int64

    /// Creates a summary.
    public init(
        pending: Int, oldestPendingAt: Timestamp?, deadLetters: Int, delivered: Int, lastDeliveredAt: Timestamp?,
        lastSeq: Int64
    ) {
        self.pending = pending
        self.oldestPendingAt = oldestPendingAt
        self.deadLetters = deadLetters
        self.delivered = delivered
        self.lastDeliveredAt = lastDeliveredAt
        self.lastSeq = lastSeq
    }
}
