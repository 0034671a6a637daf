import KioskDomain
import KioskProtocol
import KioskStore

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The kiosk's condition as a `kiosk.health` event reports it.
public struct HealthSnapshot: Sendable, Equatable {
    /// `ok`, `paper-near-end`, `paper-out`, `cover-open`, `offline` or `missing`.
    public var printer: String
    /// `ok` or `missing`.
    public var scanner: String
    /// Events not yet delivered.
    public var backlog: Int
    /// When the oldest undelivered event happened.
    public var oldestPendingAt: Timestamp?
    /// Events in the dead-letter list.
    public var deadLetters: Int
    /// Software version.
    public var version: String

    /// Creates a snapshot.
    public init(
        printer: String, scanner: String, backlog: Int, oldestPendingAt: Timestamp?, deadLetters: Int, version: String
    ) {
        self.printer = printer
        self.scanner = scanner
        self.backlog = backlog
        self.oldestPendingAt = oldestPendingAt
        self.deadLetters = deadLetters
        self.version = version
    }

    /// The parts whose change is worth an event at once. Backlog and oldest pending time
    /// are measurements that move with every intake (and with every health event written),
    /// so they ride along in the periodic report instead.
    var condition: [String] { [printer, scanner, "\(deadLetters)", version] }
}

/// Writes `kiosk.health` events into the outbox: on every change of condition (printer,
/// scanner, dead letters, version) and otherwise at most every `interval` seconds.
public actor HealthReporter {
    private let store: KioskStore
    private let interval: Int64
    private var last: (snapshot: HealthSnapshot, at: Timestamp)?

    /// Creates a reporter; `interval` is 300 s per the protocol.
    public init(store: KioskStore, interval: Int64 = 300) {
        self.store = store
        self.interval = interval
    }

    /// Writes an event if the condition changed or `interval` passed since the last one;
    /// returns whether it did. The first report always writes.
    public func report(_ snapshot: HealthSnapshot, now: Timestamp) async throws -> Bool {
        if let last, last.snapshot.condition == snapshot.condition, now.unixSeconds - last.at.unixSeconds < interval {
            return false
        }
        let data = KioskHealthData(
            printer: snapshot.printer, scanner: snapshot.scanner, backlog: snapshot.backlog,
            oldestPendingAt: snapshot.oldestPendingAt?.description, deadLetters: snapshot.deadLetters,
            version: snapshot.version)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = [UInt8](try encoder.encode(data))
        _ = try await store.appendEvent(type: EventType.kioskHealth.rawValue, data: bytes, occurredAt: now)
        last = (snapshot, now)
        return true
    }
}
