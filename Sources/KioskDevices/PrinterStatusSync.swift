import KioskSystem

/// The check after a job: waits until the printer has processed every byte of it, then asks
/// its real-time status — no fixed sleep.
///
/// `GS r 1` (transmit paper sensor status) is a buffered command: the printer answers it only
/// when it gets to it in its receive buffer, that is once it has printed the job before it.
/// So the answer says "the job is on paper", and it also tells that no stale `DLE EOT`
/// answer triggered by the job's raster data can still be on its way (those are answered on
/// arrival, before). The real-time probe that follows then takes each answer as it comes.
///
/// While the answer does not come, the printer is either still printing or it stopped
/// (paper ran out, cover opened — a printer that cannot print does not process its buffer):
/// every `slice` a real-time probe tells which, and a fault ends the wait at once. A printer
/// that never answers `GS r` is waited for at most `allowance`, then probed as it is.
struct PrinterStatusSync {
    /// What the check found.
    struct Finding {
        /// The real-time status after the job (or why there is none).
        var status: PrinterStatusProbe.Finding
        /// Whether the printer answered the buffered request: the job was processed whole,
        /// and the line is quiet.
        var processed: Bool
    }

    /// Time to wait for each real-time answer.
    var answerTimeout: Duration
    /// Longest wait for the printer to get through its buffer.
    var allowance: Duration
    /// How often the printer is asked in real time while the buffered answer has not come.
    var slice: Duration = .milliseconds(250)

    /// `GS r 1`: paper sensor status, answered after the bytes before it are processed.
    static let processedRequest: [UInt8] = [0x1D, 0x72, 0x01]

    /// Runs the check on the port the job just went out on; throws only when the port fails.
    func run(on port: any PrinterTransport) throws(SerialPortError) -> Finding {
        let unsettled = PrinterStatusProbe(answerTimeout: answerTimeout)
        do {
            try port.write(Self.processedRequest, timeout: answerTimeout)
        } catch {
            guard error.isTimeout else { throw error }
            // Flow control held: the printer is not taking bytes (buffer full, or stopped).
            return Finding(status: try unsettled.run(on: port), processed: false)
        }
        let deadline = MonotonicDeadline(after: allowance)
        while true {
            let wait = min(slice, .nanoseconds(Int64(clamping: deadline.remainingNanoseconds)))
            var replies = PrinterStatusProbe.ReplyStream(port: port)
            if try Self.awaitProcessed(&replies, within: wait) {
                return Finding(status: try quietProbe.run(on: port), processed: true)
            }
            var processed = false
            let status = try unsettled.run(on: port, processedSeen: &processed)
            if processed || deadline.hasPassed { return Finding(status: status, processed: processed) }
            guard case .answered(let answer) = status, answer.state.canPrint else {
                return Finding(status: status, processed: false)
            }
        }
    }

    /// Reads until the buffered answer comes (true) or `wait` passes; real-time answers on
    /// the way are stale ones (triggered by raster data) and skipped.
    private static func awaitProcessed(_ replies: inout PrinterStatusProbe.ReplyStream, within wait: Duration)
        throws(SerialPortError) -> Bool
    {
        let deadline = MonotonicDeadline(after: wait)
        while true {
            let left = Duration.nanoseconds(Int64(clamping: deadline.remainingNanoseconds))
            switch try replies.nextReply(within: left, stopAtProcessed: true) {
            case .processed: return true
            case .realtime: if deadline.hasPassed { return false }
            case nil: return false
            }
        }
    }

    private var quietProbe: PrinterStatusProbe {
        PrinterStatusProbe(answerTimeout: answerTimeout, settle: nil)
    }
}
