import KioskDomain
import KioskProtocol
import KioskStore

extension KioskHealthData {
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
    private var last: (health: KioskHealthData, at: Timestamp)?

    /// Creates a reporter; `interval` is 300 s per the protocol.
    public init(store: KioskStore, interval: Int64 = 300) {
        self.store = store
        self.interval = interval
    }

    /// Writes an event if the condition changed or `interval` passed since the last one;
    /// returns whether it did. The first report always writes.
    public func report(_ health: KioskHealthData, now: Timestamp) async throws -> Bool {
        if let last, last.health.condition == health.condition, now.unixSeconds - last.at.unixSeconds < interval {
            return false
        }
        let bytes = try JSONDocumentEncoder().encode(health)
        _ = try await store.appendEvent(type: EventType.kioskHealth.rawValue, data: bytes, occurredAt: now)
        last = (health, now)
        return true
    }
}
