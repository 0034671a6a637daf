/// How a print job ended once its bytes started going out.
public enum PrintOutcome: Sendable, Equatable, CustomStringConvertible {
    /// Every byte was written and drained, and the printer reported no fault after it.
    case printed(stateAfter: PrinterState)
    /// Every byte was written, but the printer reported a fault afterwards (paper ran out,
    /// cover opened): the receipt may be incomplete.
    case faultAfter(stateAfter: PrinterState, detail: String)
    /// Every byte was written, but the printer did not answer after it (silent, or gone):
    /// nothing says the receipt did not print, so it is not printed again until the printer
    /// answers and reports a fault (docs/print-once.md).
    case unconfirmed(stateAfter: PrinterState, detail: String)
    /// Not every byte got out (device gone, flow control stalled): the receipt is incomplete.
    case incomplete(bytesWritten: Int, of: Int, detail: String)

    /// Whether the job counts as printed: all bytes written and no fault after.
    public var isPrinted: Bool {
        if case .printed = self { return true }
        return false
    }

    /// `printed (ok)`, `fault after job: paper-out (paper out)`, `incomplete: 512 of 4096 bytes (…)`.
    public var description: String {
        switch self {
        case .printed(let state): "printed (\(state))"
        case .faultAfter(let state, let detail): "fault after job: \(state) (\(detail))"
        case .unconfirmed(let state, let detail): "not confirmed: printer \(state) (\(detail))"
        case .incomplete(let written, let total, let detail): "incomplete: \(written) of \(total) bytes (\(detail))"
        }
    }
}

/// How far a job's bytes got: the first half of a print, before the printer's confirmation.
public enum PrintTransfer: Sendable, Equatable, CustomStringConvertible {
    /// Every byte was written and drained: the printer has received the whole job.
    case written(bytes: Int)
    /// Not every byte got out (device gone, flow control stalled): the copy is incomplete.
    case incomplete(bytesWritten: Int, of: Int, detail: String)

    /// `written: 691 bytes`, `incomplete: 512 of 4096 bytes (…)`.
    public var description: String {
        switch self {
        case .written(let bytes): "written: \(bytes) bytes"
        case .incomplete(let written, let total, let detail): "incomplete: \(written) of \(total) bytes (\(detail))"
        }
    }
}

/// Why a job was not started: the printer could not print, so no byte was sent.
public struct PrintRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The printer's state when the job was refused.
    public let state: PrinterState
    /// The device path.
    public let devicePath: String
    /// More detail (e.g. `no answer to DLE EOT 1 within 500 ms`), never personal data.
    public let detail: String?

    /// Creates a refusal.
    public init(state: PrinterState, devicePath: String, detail: String? = nil) {
        self.state = state
        self.devicePath = devicePath
        self.detail = detail
    }

    /// `printer /dev/kiosk-printer: paper out`.
    public var description: String {
        "printer \(devicePath): \(state.reason)" + (detail.map { " (\($0))" } ?? "")
    }
}
