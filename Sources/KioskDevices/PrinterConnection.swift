import KioskSystem

/// The printer link's side of the wire, run only on the link's own thread: the open port
/// (or none while the device is missing), reopen backoff, status probes and job transfer.
final class PrinterConnection {
    private let configuration: PrinterLinkConfiguration
    private var port: SerialPort?
    private var backoff: Duration
    private var nextOpenAt: UInt64 = 0
    private var nextCheckAt: UInt64 = 0
    private var openProblem: String?
    /// The port is there but cannot take the configured settings (`Baud=` too fast for it):
    /// reported as offline with the fix, not as not connected.
    private var openProblemIsSettings = false

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

    /// Opens the port if it is closed and the backoff allows; returns it when open.
    private func openPort() -> SerialPort? {
        if let port { return port }
        let now = monotonicNanoseconds()
        guard now >= nextOpenAt else { return nil }
        do {
            let opened = try SerialPort(path: configuration.devicePath, settings: configuration.serial)
            port = opened
            openProblem = nil
            backoff = configuration.minimumBackoff
            nextCheckAt = now
            return opened
        } catch {
            openProblem = error.description
            openProblemIsSettings = error.isUnsupportedBaud
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
        backoff = configuration.minimumBackoff
        nextOpenAt = monotonicNanoseconds() + nanoseconds(backoff)
    }

    /// The last probe's answer and when it came (monotonic nanoseconds).
    private var lastCheck: (at: UInt64, state: PrinterState, detail: String?)?

    /// The printer's state now, with a detail for technicians. A probe younger than `maxAge`
    /// that found the printer ready is reused, so one scan does not ask the printer three
    /// times in a row; a fault is always asked again (the paper may just have been refilled).
    func check(maxAge: Duration = .zero) -> (state: PrinterState, detail: String?) {
        let now = monotonicNanoseconds()
        if let last = lastCheck, port != nil, last.state.canPrint, now - last.at <= nanoseconds(maxAge) {
            return (last.state, last.detail)
        }
        let result = probe()
        lastCheck = port == nil ? nil : (monotonicNanoseconds(), result.state, result.detail)
        return result
    }

    private func probe() -> (state: PrinterState, detail: String?) {
        nextCheckAt = monotonicNanoseconds() + nanoseconds(configuration.idleCheckInterval)
        guard let port = openPort() else { return (openProblemIsSettings ? .offline : .missing, openProblem) }
        do {
            guard configuration.asksStatus else {
                // No status: an empty zero-time read still reveals a hang-up.
                _ = try port.read(upTo: 256, timeout: .zero)
                return (.ok, nil)
            }
            let probe = PrinterStatusProbe(answerTimeout: configuration.statusTimeout)
            switch try probe.run(on: port) {
            case .answered(let status): return (status.state, status.description)
            case .noAnswer(let n):
                return (.offline, "no answer to DLE EOT \(n) within \(configuration.statusTimeout)")
            case .garbled: return (.offline, "status answers garbled by unexpected bytes")
            }
        } catch {
            if error.needsReopen {
                drop(error)
                return (.missing, error.description)
            }
            return (.offline, error.description)
        }
    }

    /// Writes a few non-job bytes (the buzzer) if the port is open; failures are ignored here
    /// and found by the next status check.
    func signal(_ bytes: [UInt8]) {
        guard let port else { return }
        try? port.write(bytes, timeout: .milliseconds(200))
    }

    /// Checks, writes every byte, drains, waits for the printer and checks again.
    func print(_ bytes: [UInt8]) -> Result<PrintOutcome, PrintRefusal> {
        let path = configuration.devicePath
        let before = check(maxAge: configuration.statusFreshness)
        guard before.state.canPrint, let port else {
            return .failure(PrintRefusal(state: before.state, devicePath: path, detail: before.detail))
        }
        let timeout = configuration.transferTimeout(for: bytes.count)
        do {
            try port.write(bytes, timeout: timeout)
            try port.drain(timeout: timeout)
        } catch {
            if error.needsReopen {
                drop(error)
            } else {
                // Whatever is still queued belongs to a job that will be printed again.
                try? port.discardOutput()
            }
            return .success(
                .incomplete(bytesWritten: error.bytesWritten ?? bytes.count, of: bytes.count, detail: error.description)
            )
        }
        sleepOnThread(nanoseconds: nanoseconds(configuration.settleAfterJob))
        lastCheck = nil
        let after = check()
        guard after.state.canPrint else {
            return .success(.faultAfter(stateAfter: after.state, detail: after.detail ?? after.state.reason))
        }
        return .success(.printed(stateAfter: after.state))
    }

    private func nanoseconds(_ d: Duration) -> UInt64 {
        let (s, a) = d.components
        return UInt64(max(0, s)) * 1_000_000_000 + UInt64(max(0, a) / 1_000_000_000)
    }
}
