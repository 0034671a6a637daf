import KioskDevices

/// Where scans come from: the configured scanner device, or (in the demo) standard input.
///
/// The events are the scanner reader's own (`ScannerEvent`: scans with their completion
/// time, typed states, drops), delivered as the reader produced them: no stream in between
/// turns them into strings.
public protocol ScanSource: Sendable {
    /// Starts reading; the stream ends when the task reading it is cancelled.
    func events() -> AsyncStream<ScannerEvent>
}
