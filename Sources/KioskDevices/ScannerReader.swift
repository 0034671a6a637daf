import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The scanner's blocking read loop, run on its own thread (never the Swift concurrency
/// pool): opens the device, reads and decodes it, reports state changes, and when the device
/// goes away closes it at once and waits for its return with inotify.
///
/// `@unchecked Sendable`: it is handed to the reader thread at start and used only there
/// afterwards; `emit`, `logger` and `stop` are themselves thread-safe.
final class ScannerReader: @unchecked Sendable {
    private let settings: ScannerSettings
    private let logger: Logger
    private let stop: WakePipe
    private let emit: @Sendable (ScannerEvent) -> Void
    private var reported: ScannerState?
    private var warnedNotEvdev = false
    /// "grab-postponed" was logged (once a run: a key held when the grab was due).
    private var loggedKeyHeld = false

    private typealias SessionEnd = DeviceSessionEnd

    init(
        settings: ScannerSettings, logger: Logger, stop: WakePipe,
        emit: @escaping @Sendable (ScannerEvent) -> Void
    ) {
        self.settings = settings
        self.logger = logger
        self.stop = stop
        self.emit = emit
    }

    /// Runs until the stop signal.
    func run() {
        let loop = DeviceNodeLoop(
            device: settings.device, logger: logger, stop: stop, recheckInterval: settings.missingRecheckInterval)
        loop.run(
            session: { watch, afterEndOfFile in
                settings.mode == .evdev ? evdevSession(watch: watch, afterEndOfFile: afterEndOfFile) : serialSession()
            },
            missing: { reason in report(.missing(reason: reason)) })
    }

    // MARK: - evdev

    /// How long a partial `input_event` record may wait for its rest before it counts as torn.
    /// A kernel evdev node never hands out part of a record, and a FIFO writer's one
    /// `write` of whole records is atomic (under `PIPE_BUF`): a partial record means a writer
    /// that died mid-record or wrote in pieces. One second lets a writer of pieces stalled by
    /// a loaded machine finish its record (at 50 ms the split-read test lost whole scans
    /// under load: the reader log said `record-torn`), and still resyncs long before a person
    /// scans again.
    static let tornRecordAfter: UInt64 = 1_000_000_000

    private func evdevSession(watch: HotPlugWatch?, afterEndOfFile: Bool) -> SessionEnd {
        let device: EvdevDevice
        do {
            device = try EvdevDevice(path: settings.device)
        } catch {
            return .missing(DeviceNode.whyNotOpened(error))
        }
        defer { device.close() }
        if afterEndOfFile {
            logger.log(.debug, "scanner reopened", [("device", settings.device), ("after", "end of file")])
        }
        var isEvdev = true
        do {
            let identity = try device.identity()
            // Kernel event times on the monotonic clock: the inter-key gap must not jump with
            // the wall clock (NTP, a technician setting the date).
            device.useMonotonicEventTimes()
            report(.ok(identity))
        } catch {
            isEvdev = false
            // Once per run: a FIFO is reopened after each writer, which would repeat it.
            if !warnedNotEvdev {
                warnedNotEvdev = true
                logger.log(
                    .warning, "scanner not-evdev",
                    [("device", settings.device), ("error", error.description), ("action", "reading without grab")])
            }
            report(.ok(nil))
        }
        var grab = ScannerGrab(wanted: settings.grab && isEvdev)
        attemptGrab(device, &grab, now: monotonicNanoseconds(), scanInProgress: false)
        watch?.armForSession()

        var records = InputEventRecordBuffer()
        var partialSince: UInt64?
        var decoder = EvdevDecoder(keymap: settings.keymap, scanTimeout: settings.scanTimeout)
        var outputs: [EvdevDecoder.Output] = []
        var buffer = [UInt8](repeating: 0, count: InputEvent.recordSize * 64)
        var readSomething = false

        /// Reads once; nil when nothing was there, else how the session ends (or `.none`
        /// wrapped in `.some` to go on).
        func readOnce() -> SessionEnd?? {
            let n = device.read(into: &buffer)
            if n > 0 {
                readSomething = true
                let now = monotonicNanoseconds()
                var sawReport = false
                buffer.withUnsafeBytes { bytes in
                    records.append(UnsafeRawBufferPointer(rebasing: bytes[0..<n])) { event in
                        decoder.feed(event, now: now, into: &outputs)
                        if event.isReport { sawReport = true }
                    }
                }
                partialSince = records.pendingByteCount > 0 ? (partialSince ?? now) : nil
                if grab.isDue(now: now, atReport: sawReport) {
                    attemptGrab(device, &grab, now: now, scanInProgress: decoder.hasPendingScan)
                }
                deliver(&outputs, completedAt: now, grab: &grab)
                return .some(.none)
            }
            if n == 0 {
                device.close()
                decoder.reset(into: &outputs)
                deliver(&outputs, completedAt: monotonicNanoseconds(), grab: &grab)
                return .some(.endOfFile(readSomething: readSomething))
            }
            let code = errno
            if code == EINTR || code == EAGAIN { return nil }
            // ENODEV (unplugged) or any other read error: close at once, a dead
            // descriptor left in the poll set would spin at 100% CPU.
            device.close()
            decoder.reset(into: &outputs)
            deliver(&outputs, completedAt: monotonicNanoseconds(), grab: &grab)
            return .some(.missing(SystemError(code, call: "read(\(settings.device))").description))
        }

        while true {
            var deadlines: [UInt64] = []
            if let deadline = decoder.deadline { deadlines.append(deadline) }
            if grab.isPending, let retryAt = grab.retryAt { deadlines.append(retryAt) }
            if let partialSince { deadlines.append(partialSince &+ ScannerReader.tornRecordAfter) }
            let outcome: PollOutcome
            do throws(SystemError) {
                outcome = try waitForDescriptors(
                    [device.fileDescriptor, watch?.fileDescriptor ?? -1], stop: stop.readEnd,
                    until: deadlines.min().map(MonotonicDeadline.init(nanoseconds:)))
            } catch {
                return .missing(error.description)
            }
            if outcome == .stopped { return .stopped }
            let timedOut = outcome == .timedOut
            let deviceEvents = outcome.events(of: 0)
            if deviceEvents & Int16(POLLIN) != 0 {
                if let end = readOnce() {
                    if let end { return end }
                    continue
                }
            } else if deviceEvents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                device.close()
                decoder.reset(into: &outputs)
                deliver(&outputs, completedAt: monotonicNanoseconds(), grab: &grab)
                if deviceEvents & Int16(POLLHUP) != 0 && deviceEvents & Int16(POLLERR | POLLNVAL) == 0 {
                    return .endOfFile(readSomething: readSomething)
                }
                return .missing("\(settings.device): device gone (poll reported an error: unplugged?)")
            }
            if outcome.events(of: 1) != 0, let watch {
                // Something changed in the device's folder: is our path still this file?
                watch.acknowledge()
                switch HotPlugWatch.pathState(settings.device, open: device.fileDescriptor) {
                case .same: break
                case .gone:
                    device.close()
                    decoder.reset(into: &outputs)
                    deliver(&outputs, completedAt: monotonicNanoseconds(), grab: &grab)
                    return .missing(
                        SystemError(ENOENT, call: "stat(\(settings.device)) after a change in its folder").description)
                case .replaced:
                    // A new file at the path (a FIFO made anew, a udev link now pointing at
                    // another node): read that one instead of the old one forever.
                    device.close()
                    decoder.reset(into: &outputs)
                    deliver(&outputs, completedAt: monotonicNanoseconds(), grab: &grab)
                    return .endOfFile(readSomething: true)
                }
            }
            if timedOut || deviceEvents == 0 {
                // A timer: before judging the scan by the read clock, take what the device
                // may hold (a reader that was stalled must not cut a scan typed in time).
                if timedOut, let end = readOnce() {
                    if let end { return end }
                    continue
                }
                let now = monotonicNanoseconds()
                if let since = partialSince, now &- since >= ScannerReader.tornRecordAfter {
                    let bytes = records.discardTorn()
                    partialSince = nil
                    if decoder.hasPendingScan { decoder.markEventsLost(now: now) }
                    logger.log(
                        .warning, "scanner record-torn",
                        [
                            ("device", settings.device), ("bytes", String(bytes)),
                            ("action", "discarded; reading whole records again"),
                        ])
                }
                if grab.isDue(now: now, atReport: false) {
                    attemptGrab(device, &grab, now: now, scanInProgress: decoder.hasPendingScan)
                }
                decoder.expire(now: now, into: &outputs)
                deliver(&outputs, completedAt: now, grab: &grab)
            }
        }
    }

    /// Tries to take the grab when one is due, records the result and logs it once per change:
    /// "grabbed" when held (after how many failed tries), "grab-failed" at the first failure.
    private func attemptGrab(_ device: EvdevDevice, _ grab: inout ScannerGrab, now: UInt64, scanInProgress: Bool) {
        guard grab.isPending else { return }
        let attempt: ScannerGrab.Attempt
        do {
            if try device.anyKeyHeld() {
                attempt = .keyHeld
            } else {
                try device.grab()
                attempt = .held
            }
        } catch {
            attempt = .failed(error.description)
        }
        let failuresBefore = grab.failures
        let isNewFailure = grab.record(attempt, now: now, scanInProgress: scanInProgress)
        switch attempt {
        case .held:
            logger.log(
                .info, "scanner grabbed",
                [("device", settings.device)] + (failuresBefore > 0 ? [("failed-tries", String(failuresBefore))] : []))
        case .keyHeld where !loggedKeyHeld:
            // Grabbing with a key down would leave it stuck down for the console.
            loggedKeyHeld = true
            logger.log(.debug, "scanner grab-postponed", [("device", settings.device), ("reason", "a key is held")])
        case .failed(let reason) where isNewFailure:
            logger.log(
                .warning, "scanner grab-failed",
                [
                    ("device", settings.device), ("error", reason),
                    ("action", "scans are ignored until the grab is held; retrying every 250 ms"),
                ])
        default: break
        }
    }

    private func deliver(_ outputs: inout [EvdevDecoder.Output], completedAt: UInt64, grab: inout ScannerGrab) {
        for output in outputs {
            switch output {
            case .scan(let text):
                if let reason = grab.dropReasonForEndedScan() {
                    logger.log(
                        .warning, "scanner scan-dropped", [("device", settings.device), ("reason", reason.description)])
                    send(.dropped(reason))
                } else {
                    send(.scan(ScannedText(text: text, completedAt: completedAt)))
                }
            case .dropped(let reason):
                grab.scanDiscarded()
                logger.log(
                    .warning, "scanner scan-dropped", [("device", settings.device), ("reason", reason.description)])
                send(.dropped(reason))
            case .ignoredKey(let code):
                logger.log(
                    .debug, "scanner key-ignored",
                    [("device", settings.device), ("key", KeyCodeName.name(of: code) ?? String(code))])
            case .invalidAltCode:
                logger.log(.debug, "scanner alt-code-invalid", [("device", settings.device)])
            }
        }
        outputs.removeAll(keepingCapacity: true)
    }

    // MARK: - serial

    private func serialSession() -> SessionEnd {
        let port: SerialPort
        do {
            port = try SerialPort(
                path: settings.device,
                settings: SerialPortSettings(baudRate: .b115200, flowControl: .none, pacesWrites: false))
        } catch {
            return .missing(error.description)
        }
        defer { port.close() }
        report(.ok(nil))
        var decoder = SerialScanDecoder()
        var outputs: [SerialScanDecoder.Output] = []
        while true {
            do throws(SystemError) {
                if try waitForDescriptor(port.fileDescriptor, stop: stop.readEnd) == .stopped { return .stopped }
            } catch {
                return .missing(error.description)
            }
            do {
                let bytes = try port.read(upTo: 4096, timeout: .zero)
                decoder.feed(bytes, into: &outputs)
            } catch {
                // Device gone or any other failure: close at once and wait for it.
                port.close()
                decoder.reset(into: &outputs)
                deliverSerial(&outputs)
                return .missing(error.description)
            }
            deliverSerial(&outputs)
        }
    }

    private func deliverSerial(_ outputs: inout [SerialScanDecoder.Output]) {
        let now = monotonicNanoseconds()
        for output in outputs {
            switch output {
            case .scan(let text): send(.scan(ScannedText(text: text, completedAt: now)))
            case .dropped(let reason):
                logger.log(
                    .warning, "scanner scan-dropped", [("device", settings.device), ("reason", reason.description)])
                send(.dropped(reason))
            case .invalidUTF8:
                logger.log(
                    .warning, "scanner invalid-utf8",
                    [("device", settings.device), ("action", "replaced by U+FFFD; set the scanner to UTF-8 output")])
            }
        }
        outputs.removeAll(keepingCapacity: true)
    }

    // MARK: - state

    private func report(_ state: ScannerState) {
        if let reported, reported == state { return }
        reported = state
        switch state {
        case .ok:
            logger.log(.notice, "scanner ok", [("device", settings.device), ("state", state.description)])
        case .missing(let reason):
            logger.log(.warning, "scanner missing", [("device", settings.device), ("reason", reason)])
        }
        send(.state(state))
    }

    private func send(_ event: ScannerEvent) { emit(event) }
}
