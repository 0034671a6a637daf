import KioskForwarding
import KioskStore
import KioskSystem
import Synchronization

/// The one-line `STATUS=` systemd shows: printer, scanner, backlog, last delivery.
/// Sent only when it changes.
final class ServiceStatusLine: Sendable {
    private let notifier: SystemdNotifier
    private let last = Mutex<String?>(nil)

    init(notifier: SystemdNotifier) { self.notifier = notifier }

    func publish(printer: String, scanner: String, summary: OutboxSummary?, forwarder: ForwarderStatus) {
        var parts = ["printer \(printer)", "scanner \(scanner)"]
        if let summary {
            parts.append("backlog \(summary.pending)")
            if summary.deadLetters > 0 { parts.append("dead letters \(summary.deadLetters)") }
        }
        if let delivered = forwarder.lastDeliveryAt { parts.append("last delivery \(delivered)") }
        if let error = forwarder.lastError, forwarder.consecutiveFailures > 0 { parts.append("central: \(error)") }
        let line = parts.joined(separator: ", ")
        let changed = last.withLock { previous in
            defer { previous = line }
            return previous != line
        }
        if changed { try? notifier.status(line) }
    }
}
