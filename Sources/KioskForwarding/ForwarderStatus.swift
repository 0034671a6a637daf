import KioskDomain

/// What the forwarder is doing, for `kioskctl status`, `STATUS=` and `kiosk.health`.
public struct ForwarderStatus: Sendable, Equatable {
    /// The forwarder's activity.
    public enum State: String, Sendable, Equatable {
        /// `[Central] URL=` is empty: events stay queued.
        case disabled
        /// Not started yet.
        case stopped
        /// Nothing to send; waiting for a new event or the poll interval.
        case idle
        /// A batch is on its way.
        case sending
        /// Waiting after a failure (`nextAttemptAt`).
        case backingOff = "backing-off"
    }

    /// The forwarder's activity.
    public var state: State = .stopped
    /// When the last batch was delivered.
    public var lastDeliveryAt: Timestamp?
    /// The current failure, in words a technician can act on; nil after a delivery (a
    /// problem that went away is in the log, not in the status).
    public var lastError: String?
    /// When `lastError` happened.
    public var lastErrorAt: Timestamp?
    /// Failed requests since the last success; 0 when forwarding is healthy.
    public var consecutiveFailures: Int = 0
    /// When the next attempt is due while backing off.
    public var nextAttemptAt: Timestamp?
    /// Events per batch now (halved by 413 answers, restored after successes).
    public var batchSize: Int
    /// Kiosk clock minus central's clock, in seconds, measured from the `Date` header of a
    /// `clock-skew` answer; nil when not measured since the last delivery.
    public var clockSkewSeconds: Int64?
    /// Events marked delivered since the forwarder started.
    public var totalDelivered: Int = 0
    /// Events moved to dead letters since the forwarder started.
    public var totalDeadLettered: Int = 0

    /// Creates a status for a forwarder with the given batch size.
    public init(batchSize: Int) {
        self.batchSize = batchSize
    }
}
