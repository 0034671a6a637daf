/// What the printer link knows about its printer at a moment, without asking it: the answer to
/// a health check (`kioskctl status`) that never waits behind a job.
public struct PrinterStatusReport: Sendable, Equatable {
    /// The last state seen.
    public var state: PrinterState
    /// The detail behind it (a status description or an error), for technicians.
    public var detail: String?
    /// How long ago the state was last seen to hold: a probe's answer, a pushed status, or,
    /// while the printer pushes its status, the last byte it sent. Nil before the first check.
    public var age: Duration?
    /// Whether the printer pushes its status (Automatic Status Back): a change would have been
    /// told at once, so the state is current however old the last change is.
    public var pushed: Bool

    /// Creates a report.
    public init(state: PrinterState, detail: String?, age: Duration?, pushed: Bool) {
        self.state = state
        self.detail = detail
        self.age = age
        self.pushed = pushed
    }
}
