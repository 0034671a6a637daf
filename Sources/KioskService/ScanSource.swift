/// What the scanner side delivers to the service: scans as text, and its presence.
public enum ScannerSignal: Sendable, Equatable {
    /// One complete scan, as read (not yet parsed).
    case scan(String)
    /// The scanner is there (`ok`) or not (`missing`): kiosk.health's scanner strings.
    case state(String)
}

/// Where scans come from: the configured scanner device, or (in the demo) standard input.
public protocol ScanSource: Sendable {
    /// Starts reading; the stream ends when the task reading it is cancelled.
    func signals() -> AsyncStream<ScannerSignal>
}
