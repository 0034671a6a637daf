import KioskSystem

/// Asks a printer for its real-time status (`DLE EOT 1`, `2`, `3`, `4`), each with a timeout.
///
/// Each answer is taken as soon as its byte arrives (no fixed wait); other bytes on the way
/// (XON/XOFF, ASB messages, `GS r` answers, noise) are sorted out by the connection's
/// `PrinterReplyReader`. An answer byte does not say which request it answers, so the probe
/// makes a stale answer (one a `10 04 n` inside raster data triggered, or one that arrived
/// late) show itself: it first drops everything already received, asks the four questions one
/// at a time, then — unless the line is known to be quiet — listens for a short settle window.
/// Four questions must give exactly four answers; a fifth means the four were shifted by a
/// stale one, and the round is asked again.
///
/// The line is known to be quiet once the printer has answered a buffered `GS r` after the
/// last job that could trigger a real-time answer (real-time answers that raster data
/// triggered come before that answer), or after a settled probe: then the probe costs four
/// round trips, no fixed wait.
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
    /// Rounds before giving up on a noisy line.
    var rounds = 3
    /// Whether received bytes not yet read may be flushed unread before asking: only when
    /// nothing else is expected (no ASB message, no `GS r` answer).
    var flushesInput = true

    /// Runs the probe; throws only when the port itself fails (device gone).
    func run(on replies: PrinterReplyReader) throws(SerialPortError) -> Finding {
        var settle = self.settle
        for _ in 0..<rounds {
            try replies.absorbAvailable()
            if flushesInput { try replies.port.discardInput() }
            var answers: [UInt8] = []
            for n: UInt8 in 1...4 {
                do {
                    try replies.port.write([0x10, 0x04, n], timeout: answerTimeout)
                } catch {
                    // Flow control held: the printer is not taking even real-time requests.
                    guard error.isTimeout else { throw error }
                    return .noAnswer(request: n)
                }
                guard let answer = try replies.nextRealtime(within: answerTimeout) else { return .noAnswer(request: n) }
                answers.append(answer)
            }
            // A fifth answer means the four were shifted by a stale one: ask again. On a line
            // known to be quiet only what has already arrived is looked at (no wait); a
            // surprise there makes the next round settle after all.
            if try replies.nextRealtime(within: settle ?? .zero) != nil {
                settle = settle ?? Self.defaultSettle
                continue
            }
            return .answered(
                PrinterStatus(
                    printer: answers[0], offlineCause: answers[1], errorCause: answers[2], paperSensor: answers[3]))
        }
        return .garbled
    }

    /// Whether `bytes` hold a `DLE EOT n` a printer may answer on arrival (inside raster data
    /// too): after sending them, a stale real-time answer may be in flight.
    static func mayTriggerAnswers(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 3 else { return false }
        for k in 0..<(bytes.count - 2) where bytes[k] == 0x10 && bytes[k + 1] == 0x04 {
            if (1...4).contains(bytes[k + 2]) { return true }
        }
        return false
    }
}
