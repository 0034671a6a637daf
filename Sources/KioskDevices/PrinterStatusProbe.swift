/// Asks a printer for its real-time status (`DLE EOT 1`, `2`, `3`, `4`), each with a timeout.
///
/// An answer byte does not say which request it answers, so the probe makes a stale answer
/// (one a `10 04 n` inside raster data triggered, or one that arrived late) show itself:
/// it first reads and discards everything pending, asks the four questions one at a time,
/// then listens for a short settle window. Four questions must give exactly four answers;
/// a fifth means the four were shifted by a stale one, and the round is asked again.
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
    /// Quiet time after the last answer in which no further answer may arrive.
    var settle: Duration = .milliseconds(30)
    /// Rounds before giving up on a noisy line.
    var rounds = 3

    /// Runs the probe; throws only when the port itself fails (device gone).
    func run(on port: any PrinterTransport) throws(SerialPortError) -> Finding {
        for _ in 0..<rounds {
            try discardPending(port)
            var replies = ReplyStream(port: port)
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
            if try replies.next(within: settle) != nil { continue }
            return .answered(
                PrinterStatus(
                    printer: answers[0], offlineCause: answers[1], errorCause: answers[2], paperSensor: answers[3]))
        }
        return .garbled
    }

    /// Reads until the line is quiet for 10 ms (at most ~200 ms), then flushes the input queue.
    /// Drops what already arrived (without waiting for more: an answer still in flight shows
    /// up as a fifth answer in the settle window, and the round is asked again).
    private func discardPending(_ port: any PrinterTransport) throws(SerialPortError) {
        for _ in 0..<20 {
            if try port.read(upTo: 256, timeout: .zero).isEmpty { break }
        }
        try port.discardInput()
    }

    /// Received bytes, filtered down to status answers, kept across reads.
    private struct ReplyStream {
        let port: any PrinterTransport
        var filter = PrinterReplyFilter()
        var pending: [UInt8] = []
        var position = 0

        mutating func next(within timeout: Duration) throws(SerialPortError) -> UInt8? {
            let deadline = SerialDeadline(after: timeout)
            while true {
                while position < pending.count {
                    let byte = pending[position]
                    position += 1
                    if let answer = filter.feed(byte) { return answer }
                }
                if deadline.hasPassed { return nil }
                let chunk = try port.read(
                    upTo: 64, timeout: .nanoseconds(Int64(clamping: max(deadline.remainingNanoseconds, 1))))
                if chunk.isEmpty { return nil }
                pending = chunk
                position = 0
            }
        }
    }
}
