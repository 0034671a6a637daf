/// Full-jitter exponential backoff, as central-protocol.md prescribes:
/// `sleep = random(0, min(cap, base × 2^attempt))`, with `attempt` counting the failures
/// since the last success (0 for the first), reset by a success.
public struct Backoff: Sendable {
    /// First ceiling, in seconds (1 s in production).
    public let base: Double
    /// Largest ceiling, in seconds (300 s in production).
    public let cap: Double
    /// Failures since the last success.
    public private(set) var attempt: Int = 0
    private var random: any RandomNumberGenerator & Sendable

    /// Creates a backoff; tests inject a seeded `random` and small `base`/`cap`.
    public init(
        base: Double = 1, cap: Double = 300,
        random: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        precondition(base > 0 && cap >= base, "Backoff needs 0 < base ≤ cap")
        self.base = base
        self.cap = cap
        self.random = random
    }

    /// The ceiling of the wait for failure number `attempt` (0-based).
    public func ceiling(forAttempt attempt: Int) -> Double {
        // 2^attempt overflows nothing: past 2^62 the cap has long been reached.
        min(cap, base * Double(1 << min(max(attempt, 0), 62)))
    }

    /// The wait after one more failure, in seconds; counts the failure.
    public mutating func nextDelay() -> Double {
        let ceiling = ceiling(forAttempt: attempt)
        attempt += 1
        return Double.random(in: 0...ceiling, using: &random)
    }

    /// Counts a failure whose wait was decided elsewhere (a server's `Retry-After`).
    public mutating func countFailure() {
        attempt += 1
    }

    /// Forgets the failures after a success.
    public mutating func reset() {
        attempt = 0
    }
}

/// A small deterministic generator (SplitMix64) for tests and benchmarks.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed; the same seed gives the same numbers.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
