/// Tuning of the forwarder (`[Central]` keys and the protocol's limits).
public struct ForwarderConfiguration: Sendable, Equatable {
    /// Events per batch (`BatchSize=`), 1…500.
    public var batchSize: Int
    /// Largest request body; the batch is trimmed to fit (protocol: 4 MiB).
    public var maxBodyBytes: Int
    /// How long an idle forwarder waits for a nudge before looking at the outbox anyway.
    public var idlePollInterval: Double
    /// Backoff base and cap, in seconds (protocol: 1 s and 300 s).
    public var backoffBase: Double
    /// See `backoffBase`.
    public var backoffCap: Double
    /// Longest `Retry-After` honoured; a larger one is cut to this (a misconfigured server
    /// must not park the kiosk for days).
    public var maxRetryAfter: Double
    /// Successful batches in a row, at a size reduced by 413, before the size doubles back
    /// toward `batchSize`.
    public var successesBeforeGrowing: Int

    /// Creates a configuration with the protocol's defaults.
    public init(
        batchSize: Int = 100, maxBodyBytes: Int = 4 << 20, idlePollInterval: Double = 30, backoffBase: Double = 1,
        backoffCap: Double = 300, maxRetryAfter: Double = 3600, successesBeforeGrowing: Int = 16
    ) {
        self.batchSize = min(500, max(1, batchSize))
        self.maxBodyBytes = maxBodyBytes
        self.idlePollInterval = idlePollInterval
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
        self.maxRetryAfter = maxRetryAfter
        self.successesBeforeGrowing = max(1, successesBeforeGrowing)
    }
}
