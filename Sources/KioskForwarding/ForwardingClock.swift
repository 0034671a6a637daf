import KioskDomain

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The kiosk's wall clock and its way of waiting, injectable so tests can shift the clock
/// (to provoke `clock-skew`) and record waits instead of sleeping them.
public struct ForwardingClock: Sendable {
    /// The kiosk's current time (signatures' `ts`, `sentAt`, delivery times).
    public var now: @Sendable () -> Timestamp
    /// Waits `seconds`; throws `CancellationError` when the task is cancelled.
    public var sleep: @Sendable (_ seconds: Double) async throws -> Void

    /// Creates a clock from its two parts.
    public init(
        now: @escaping @Sendable () -> Timestamp, sleep: @escaping @Sendable (_ seconds: Double) async throws -> Void
    ) {
        self.now = now
        self.sleep = sleep
    }

    /// The system's wall clock (shown at Vietnam's offset) and `Task.sleep`.
    public static let system = ForwardingClock(
        now: { Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970)) },
        sleep: { seconds in
            if seconds > 0 {
                try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
            } else {
                try Task.checkCancellation()
            }
        })
}
