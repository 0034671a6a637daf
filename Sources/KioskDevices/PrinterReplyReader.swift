import KioskSystem

/// Everything a printer sends back on one connection, read through one `PrinterReplyFilter`
/// (an ASB message may be split between reads): answers to `DLE EOT n` are handed to the probe
/// that asked, answers to the buffered `GS r n` are kept for the checks after jobs, and the
/// latest Automatic Status Back message is kept as the printer's pushed status. Used on the
/// printer link's thread only.
final class PrinterReplyReader {
    /// The wire the replies come from.
    let port: any PrinterTransport
    private var filter = PrinterReplyFilter()
    private var pending: [UInt8] = []
    private var position = 0
    /// Answers to `GS r n`, oldest first, not yet taken by a check.
    private var processed: [UInt8] = []
    /// The latest ASB message and when it arrived (monotonic nanoseconds).
    private(set) var pushed: (status: PrinterStatus, at: UInt64)?
    /// Whether an ASB message arrived since `takePushed()` was last called.
    private var pushedUnseen = false
    /// When the printer last sent anything (monotonic nanoseconds); 0 when it never did.
    private(set) var lastHeardAt: UInt64 = 0

    init(port: any PrinterTransport) { self.port = port }

    /// The oldest answer to `GS r n` not yet taken.
    func takeProcessed() -> UInt8? { processed.isEmpty ? nil : processed.removeFirst() }

    /// Whether an answer to `GS r n` is waiting to be taken.
    var hasProcessed: Bool { !processed.isEmpty }

    /// The pushed status, when a message arrived since the last call.
    func takePushed() -> PrinterStatus? {
        guard pushedUnseen else { return nil }
        pushedUnseen = false
        return pushed?.status
    }

    /// The next answer to `DLE EOT n`, or nil when none came within `timeout`; other replies
    /// on the way are recorded. A zero timeout still looks once at what has arrived.
    func nextRealtime(within timeout: Duration) throws(SerialPortError) -> UInt8? {
        let deadline = MonotonicDeadline(after: timeout)
        var polled = false
        while true {
            while position < pending.count {
                let byte = pending[position]
                position += 1
                if case .realtime(let answer) = record(byte) { return answer }
            }
            if deadline.hasPassed && polled { return nil }
            polled = true
            guard try receive(timeout: .nanoseconds(Int64(clamping: deadline.remainingNanoseconds))) else {
                return nil
            }
        }
    }

    /// Reads until `done()` holds or `timeout` passes; returns `done()`. Real-time answers on
    /// the way are stale and dropped.
    func read(within timeout: Duration, until done: () -> Bool) throws(SerialPortError) -> Bool {
        let deadline = MonotonicDeadline(after: timeout)
        while true {
            try consumePending()
            if done() { return true }
            if deadline.hasPassed { return false }
            guard try receive(timeout: .nanoseconds(Int64(clamping: deadline.remainingNanoseconds))) else {
                return done()
            }
        }
    }

    /// Reads what has already arrived, without waiting: `GS r` answers and pushed status are
    /// recorded; real-time answers are stale (nobody is asking) and dropped.
    func absorbAvailable() throws(SerialPortError) {
        for _ in 0..<64 {
            try consumePending()
            guard try receive(timeout: .zero) else { return }
        }
        try consumePending()
    }

    private func consumePending() throws(SerialPortError) {
        while position < pending.count {
            let byte = pending[position]
            position += 1
            _ = record(byte)
        }
    }

    /// Reads one chunk; false when nothing came within `timeout`.
    private func receive(timeout: Duration) throws(SerialPortError) -> Bool {
        let chunk = try port.read(upTo: 256, timeout: timeout)
        guard !chunk.isEmpty else { return false }
        lastHeardAt = monotonicNanoseconds()
        pending = chunk
        position = 0
        return true
    }

    private func record(_ byte: UInt8) -> PrinterReplyFilter.Reply? {
        let reply = filter.classify(byte)
        switch reply {
        case .processed(let answer): processed.append(answer)
        case .automatic(let status):
            pushed = (status, monotonicNanoseconds())
            pushedUnseen = true
        case .realtime, nil: break
        }
        return reply
    }
}
