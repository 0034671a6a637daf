import KioskSystem

/// Asks a printer for its real-time status (`DLE EOT 1`, `2`, `3`, `4`), each with a timeout.
///
/// An answer byte does not say which request it answers, so the probe makes a stale answer
/// (one a `10 04 n` inside raster data triggered, or one that arrived late) show itself:
/// it first reads and discards everything pending, asks the four questions one at a time,
/// then — unless the line is known to be quiet — listens for a short settle window. Four
/// questions must give exactly four answers; a fifth means the four were shifted by a stale
/// one, and the round is asked again.
///
/// The line is known to be quiet once the printer has answered a buffered `GS r` after the
/// last job (`PrinterStatusSync`): real-time answers that raster data triggered come before
/// that answer, so none can still be on its way. Then each answer is taken as soon as it
/// arrives and the probe costs four round trips, no fixed wait.
struct PrinterStatusProbe {
    /// What a probe found.
    enum Finding: Sendable, Equatable {
        /// Four answers, aligned.
        case answered(PrinterStatus)
        /// No answer to `DLE EOT n` within the timeout (or the request could not be sent).
        case noAnswer(request: UInt8)
        /// Every round had extra answers: the line is too noisy to trust.
        case garbled
    }

    /// Time to wait for each answer.
    var answerTimeout: Duration
    /// Quiet time after the last answer in which no further answer may arrive; nil when the
    /// line is known to be quiet (no stale answer can be in flight).
    var settle: Duration? = .milliseconds(30)
    /// The settle window used when a quiet line turns out not to be.
    static let defaultSettle: Duration = .milliseconds(30)
    private var defaultSettle: Duration { Self.defaultSettle }
    /// Rounds before giving up on a noisy line.
    var rounds = 3

    /// Runs the probe; throws only when the port itself fails (device gone).
    func run(on port: any PrinterTransport) throws(SerialPortError) -> Finding {
        var processedSeen = false
        return try run(on: port, processedSeen: &processedSeen)
    }

    /// Runs the probe; sets `processedSeen` when an answer to a buffered `GS r` went by (the
    /// job before has been processed).
    func run(on port: any PrinterTransport, processedSeen: inout Bool) throws(SerialPortError) -> Finding {
        var settle = self.settle
        for _ in 0..<rounds {
            if try discardPending(port) { processedSeen = true }
            var replies = ReplyStream(port: port)
            defer { if replies.processedAnswers > 0 { processedSeen = true } }
            var answers: [UInt8] = []
            for n: UInt8 in 1...4 {
                do {
                    try port.write([0x10, 0x04, n], timeout: answerTimeout)
                } catch {
                    // Flow control held: the printer is not taking even real-time requests.
                    guard error.isTimeout else { throw error }
                    return .noAnswer(request: n)
                }
                guard let answer = try replies.next(within: answerTimeout) else { return .noAnswer(request: n) }
                answers.append(answer)
            }
            // A fifth answer means the four were shifted by a stale one: ask again. On a line
            // known to be quiet only what has already arrived is looked at (no wait); a
            // surprise there makes the next round settle after all.
            if try replies.next(within: settle ?? .zero) != nil {
                settle = settle ?? defaultSettle
                continue
            }
            return .answered(
                PrinterStatus(
                    printer: answers[0], offlineCause: answers[1], errorCause: answers[2], paperSensor: answers[3]))
        }
        return .garbled
    }

    /// Reads until the line is quiet for 10 ms (at most ~200 ms), then flushes the input queue.
    /// Drops what already arrived (without waiting for more: an answer still in flight shows
    /// up as a fifth answer in the settle window, and the round is asked again).
    /// Returns whether an answer to a buffered `GS r` was among the dropped bytes.
    private func discardPending(_ port: any PrinterTransport) throws(SerialPortError) -> Bool {
        var filter = PrinterReplyFilter()
        var processed = false
        for _ in 0..<20 {
            let chunk = try port.read(upTo: 256, timeout: .zero)
            if chunk.isEmpty { break }
            for byte in chunk { if case .processed = filter.classify(byte) { processed = true } }
        }
        try port.discardInput()
        return processed
    }

    /// Received bytes, filtered down to status answers, kept across reads.
    struct ReplyStream {
        let port: any PrinterTransport
        var filter = PrinterReplyFilter()
        var pending: [UInt8] = []
        var position = 0
        /// Answers to a buffered `GS r` seen on the way (the sync after a job).
        var processedAnswers = 0

        init(port: any PrinterTransport) { self.port = port }

        /// The next answer to `DLE EOT n`, or nil when none came within `timeout`.
        mutating func next(within timeout: Duration) throws(SerialPortError) -> UInt8? {
            try nextReply(within: timeout, stopAtProcessed: false).flatMap {
                if case .realtime(let answer) = $0 { return answer }
                return nil
            }
        }

        /// The next answer of either kind (`stopAtProcessed`) or to `DLE EOT n` only.
        mutating func nextReply(within timeout: Duration, stopAtProcessed: Bool) throws(SerialPortError)
            -> PrinterReplyFilter.Reply?
        {
            let deadline = MonotonicDeadline(after: timeout)
            var polled = false
            while true {
                while position < pending.count {
                    let byte = pending[position]
                    position += 1
                    switch filter.classify(byte) {
                    case .realtime(let answer): return .realtime(answer)
                    case .processed(let answer):
                        processedAnswers += 1
                        if stopAtProcessed { return .processed(answer) }
                    case nil: break
                    }
                }
                // A zero timeout still looks once at what has already arrived.
                if deadline.hasPassed && polled { return nil }
                polled = true
                let chunk = try port.read(
                    upTo: 64, timeout: .nanoseconds(Int64(clamping: deadline.remainingNanoseconds)))
                if chunk.isEmpty { return nil }
                pending = chunk
                position = 0
            }
        }
    }
}
