import KioskSystem

/// The printer link's side of the wire, run only on the link's own thread: the open port
/// (or none while the device is missing), reopen backoff, status probes and job transfer.
final class PrinterConnection {
    private let configuration: PrinterLinkConfiguration
    private var port: (any PrinterTransport)?
    private var backoff: Duration
    private var nextOpenAt: UInt64 = 0
    private var nextCheckAt: UInt64 = 0
    private var openProblem: String?
    /// The state an open failure means: `missing` when there is no device (or it went away),
    /// `offline` when a device is there but cannot be used (busy, not a serial port, a baud
    /// rate its UART refuses, no permission): a technician must act, not just plug it in.
    private var openProblemState: PrinterState = .missing
    /// Whether no stale status answer can be in flight (the printer answered the buffered
    /// request after the last job), so a probe need not wait out a settle window.
    private var lineQuiet = false
    /// Set when the printer let a job's buffered request go unanswered although its
    /// real-time status stayed ready: it does not know `GS r`, so later jobs are checked after
    /// `settleAfterJob` instead of waiting for that answer.
    private var ignoresProcessedRequest = false

    init(configuration: PrinterLinkConfiguration) {
        self.configuration = configuration
        self.backoff = configuration.minimumBackoff
    }

    deinit { port?.close() }

    /// Nanoseconds until the next scheduled open attempt or idle check.
    var nanosecondsToNextDuty: UInt64 {
        let due = port == nil ? nextOpenAt : nextCheckAt
        let now = monotonicNanoseconds()
        return due > now ? due - now : 0
    }

    /// Whether an idle check (or open attempt) is due.
    var isDutyDue: Bool { nanosecondsToNextDuty == 0 }

    /// Whether the port is open now.
    var isOpen: Bool { port != nil }

    func close() {
        port?.close()
        port = nil
    }

    /// The device folder changed (hot-plug): the next open is tried at once, backoff reset.
    func deviceFolderChanged() {
        guard port == nil else { return }
        nextOpenAt = 0
        backoff = configuration.minimumBackoff
    }

    /// Opens the port if it is closed and the backoff allows; returns it when open.
    private func openPort() -> (any PrinterTransport)? {
        if let port { return port }
        let now = monotonicNanoseconds()
        guard now >= nextOpenAt else { return nil }
        do {
            // Serial, USB printer class or TCP, by the Device= value (PrinterTransportKind).
            let opened = try PrinterTransportKind.open(device: configuration.devicePath, serial: configuration.serial)
            port = opened
            openProblem = nil
            lineQuiet = false
            ignoresProcessedRequest = false
            backoff = configuration.minimumBackoff
            nextCheckAt = now
            return opened
        } catch {
            openProblem = error.description
            openProblemState = error.isDeviceMissing || error.isDeviceGone ? .missing : .offline
            nextOpenAt = now + nanoseconds(backoff)
            backoff = min(backoff * 2, configuration.maximumBackoff)
            return nil
        }
    }

    /// Closes a port that failed; the next open is tried after the minimum backoff.
    private func drop(_ error: SerialPortError) {
        port?.close()
        port = nil
        openProblem = error.description
        openProblemState = .missing
        backoff = configuration.minimumBackoff
        nextOpenAt = monotonicNanoseconds() + nanoseconds(backoff)
    }

    /// The printer's state now, asked of the printer (never a remembered answer: whether to
    /// print is decided on what the printer says at that moment), with a detail for
    /// technicians.
    func check() -> (state: PrinterState, detail: String?) {
        probe()
    }

    private func probe() -> (state: PrinterState, detail: String?) {
        nextCheckAt = monotonicNanoseconds() + nanoseconds(configuration.idleCheckInterval)
        guard let port = openPort() else { return (openProblemState, openProblem) }
        do {
            guard configuration.asksStatus else {
                // No status: an empty zero-time read still reveals a hang-up.
                _ = try port.read(upTo: 256, timeout: .zero)
                return (.ok, nil)
            }
            let probe = PrinterStatusProbe(
                answerTimeout: configuration.statusTimeout, settle: lineQuiet ? nil : configuration.statusSettle)
            let finding = try probe.run(on: port)
            return describe(finding)
        } catch {
            if error.needsReopen {
                drop(error)
                return (.missing, error.description)
            }
            return (.offline, error.description)
        }
    }

    private func describe(_ finding: PrinterStatusProbe.Finding) -> (state: PrinterState, detail: String?) {
        if case .answered = finding {
            // Four answers and a quiet settle (or a quiet line already): nothing stale in flight.
            lineQuiet = true
        } else {
            lineQuiet = false
        }
        switch finding {
        case .answered(let status): return (status.state, status.description)
        case .noAnswer(let n):
            return (.offline, "no answer to DLE EOT \(n) within \(configuration.statusTimeout)")
        case .garbled: return (.offline, "status answers garbled by unexpected bytes")
        }
    }

    /// Writes a few non-job bytes (the buzzer) if the port is open; failures are ignored here
    /// and found by the next status check.
    func signal(_ bytes: [UInt8]) {
        guard let port else { return }
        try? port.write(bytes, timeout: .milliseconds(200))
    }

    /// Writes every byte of a job and drains them to the printer, without asking the printer
    /// first: the caller decided the printer can print (the flows ask `check()` through the
    /// link, once, before they accept the job). `.written` means the printer has received
    /// the whole job; a closed port is a refusal (nothing sent).
    func send(_ bytes: [UInt8]) -> Result<PrintTransfer, PrintRefusal> {
        guard let port else {
            return .failure(
                PrintRefusal(state: openProblemState, devicePath: configuration.devicePath, detail: openProblem))
        }
        let deadline = MonotonicDeadline(after: configuration.transferTimeout(for: bytes.count))
        lineQuiet = false
        var sent = 0
        do throws(SerialPortError) {
            // Written in chunks, each drained before the next: once a byte is in the kernel's
            // buffer a kill no longer stops it, so the kernel never holds more than one chunk
            // of a job that the job's row does not yet record as written (docs/print-once.md).
            while sent < bytes.count {
                let end = min(bytes.count, sent + max(1, configuration.drainChunk))
                let timeout = Duration.nanoseconds(Int64(clamping: max(deadline.remainingNanoseconds, 1)))
                do {
                    try port.write(Array(bytes[sent..<end]), timeout: timeout)
                } catch {
                    sent += error.bytesWritten ?? 0
                    throw error
                }
                try port.drain(timeout: timeout)
                sent = end
            }
        } catch {
            if error.needsReopen {
                drop(error)
            } else {
                // Whatever is still queued belongs to a job that will be printed again.
                try? port.discardOutput()
            }
            return .success(
                .incomplete(bytesWritten: sent, of: bytes.count, detail: error.description)
            )
        }
        return .success(.written(bytes: bytes.count))
    }

    /// After a written job: waits until the printer has processed it (`PrinterStatusSync`), or
    /// `settleAfterJob` for a printer that does not answer the buffered request, and asks its
    /// status. `.printed` only when the printer reports no fault; `.faultAfter` when it reports
    /// one; `.unconfirmed` when it does not answer (silent, or gone).
    func confirm() -> PrintOutcome {
        guard let port else {
            return .unconfirmed(stateAfter: .missing, detail: openProblem ?? "device gone after the job")
        }
        let result: (state: PrinterState, detail: String?)
        var answered = true
        do {
            if !configuration.asksStatus {
                // No status: an empty zero-time read still reveals a hang-up.
                _ = try port.read(upTo: 256, timeout: .zero)
                result = (.ok, nil)
            } else {
                let finding: PrinterStatusProbe.Finding
                if ignoresProcessedRequest {
                    sleepOnThread(nanoseconds: nanoseconds(configuration.settleAfterJob))
                    finding = try PrinterStatusProbe(
                        answerTimeout: configuration.statusTimeout, settle: configuration.statusSettle
                    )
                    .run(on: port)
                } else {
                    let sync = PrinterStatusSync(
                        answerTimeout: configuration.statusTimeout, allowance: configuration.printAllowance)
                    let synced = try sync.run(on: port)
                    finding = synced.status
                    if !synced.processed, case .answered(let status) = finding, status.state.canPrint {
                        ignoresProcessedRequest = true
                    }
                }
                if case .answered = finding {} else { answered = false }
                result = describe(finding)
            }
        } catch {
            answered = false
            if error.needsReopen {
                drop(error)
                result = (.missing, error.description)
            } else {
                result = (.offline, error.description)
            }
        }
        nextCheckAt = monotonicNanoseconds() + nanoseconds(configuration.idleCheckInterval)
        guard result.state.canPrint else {
            let detail = result.detail ?? result.state.reason
            return answered
                ? .faultAfter(stateAfter: result.state, detail: detail)
                : .unconfirmed(stateAfter: result.state, detail: detail)
        }
        return .printed(stateAfter: result.state)
    }

    private func nanoseconds(_ d: Duration) -> UInt64 { d.totalNanoseconds }
}
