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

    /// How a session with an open device ended.
    private enum SessionEnd {
        case stopped
        /// Could not open, or the device went away: why.
        case missing(String)
        /// End of file on a FIFO (its writer closed): open again at once, quietly; whether
        /// anything was read before it.
        case endOfFile(readSomething: Bool)
    }

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
        var watch: HotPlugWatch?
        var endsOfFile = 0
        while !stop.isSignalled {
            let end = settings.mode == .evdev ? evdevSession() : serialSession()
            switch end {
            case .stopped:
                return
            case .endOfFile(let readSomething):
                // A FIFO whose writer went away: reopen at once. Twice in a row with nothing
                // read (a regular file given as the device) waits instead of spinning.
                endsOfFile = readSomething ? 0 : endsOfFile + 1
                if endsOfFile < 2 { continue }
                endsOfFile = 0
                fallthrough
            case .missing:
                if case .missing(let reason) = end { report(.missing(reason: reason)) }
                if watch == nil {
                    do {
                        watch = try HotPlugWatch(path: settings.device)
                    } catch {
                        logger.log(
                            .error, "scanner hot-plug-unavailable",
                            [("device", settings.device), ("error", error.description)])
                    }
                }
                if let watch {
                    if watch.wait(stop: stop, fallback: settings.missingRecheckInterval) == .stopped { return }
                } else if sleepUnlessStopped(settings.missingRecheckInterval) {
                    return
                }
            }
        }
    }

    // MARK: - evdev

    private func evdevSession() -> SessionEnd {
        let device: EvdevDevice
        do {
            device = try EvdevDevice(path: settings.device)
        } catch {
            return .missing(error.description)
        }
        defer { device.close() }
        var grabPending = false
        var isEvdev = true
        do {
            report(.ok(try device.identity()))
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
        if settings.grab && isEvdev { grabPending = !tryGrab(device) }

        var records = InputEventRecordBuffer()
        var decoder = EvdevDecoder(keymap: settings.keymap, scanTimeout: settings.scanTimeout)
        var outputs: [EvdevDecoder.Output] = []
        var buffer = [UInt8](repeating: 0, count: InputEvent.recordSize * 64)
        var entries = [
            pollfd(fd: device.fileDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stop.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        var readSomething = false
        while true {
            let timeout = decoder.deadline.map { ScannerReader.milliseconds(until: $0) } ?? -1
            entries[0].revents = 0
            entries[1].revents = 0
            let ready = poll(&entries, 2, timeout)
            if ready < 0 {
                if errno == EINTR { continue }
                return .missing(SystemError(errno, call: "poll").description)
            }
            if entries[1].revents != 0 { return .stopped }
            if entries[0].revents & Int16(POLLIN) != 0 {
                let n = buffer.withUnsafeMutableBytes { read(device.fileDescriptor, $0.baseAddress, $0.count) }
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
                    deliver(&outputs, completedAt: now)
                    if grabPending && sawReport { grabPending = !tryGrab(device) }
                    continue
                }
                if n == 0 {
                    device.close()
                    decoder.reset(into: &outputs)
                    deliver(&outputs, completedAt: monotonicNanoseconds())
                    return .endOfFile(readSomething: readSomething)
                }
                let code = errno
                if code == EINTR || code == EAGAIN { continue }
                // ENODEV (unplugged) or any other read error: close at once, a dead
                // descriptor left in the poll set would spin at 100% CPU.
                device.close()
                decoder.reset(into: &outputs)
                deliver(&outputs, completedAt: monotonicNanoseconds())
                return .missing(SystemError(code, call: "read(\(settings.device))").description)
            }
            if entries[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                device.close()
                decoder.reset(into: &outputs)
                deliver(&outputs, completedAt: monotonicNanoseconds())
                if entries[0].revents & Int16(POLLHUP) != 0 && entries[0].revents & Int16(POLLERR | POLLNVAL) == 0 {
                    return .endOfFile(readSomething: readSomething)
                }
                return .missing("\(settings.device): device gone (poll reported an error: unplugged?)")
            }
            let now = monotonicNanoseconds()
            decoder.expire(now: now, into: &outputs)
            deliver(&outputs, completedAt: now)
        }
    }

    /// Grabs when no key is held (grabbing with a key down leaves that key stuck down for
    /// the console, which then autorepeats it). Returns whether there is nothing left to do.
    private func tryGrab(_ device: EvdevDevice) -> Bool {
        do {
            if try device.anyKeyHeld() { return false }
            try device.grab()
            logger.log(.info, "scanner grabbed", [("device", settings.device)])
        } catch {
            logger.log(
                .warning, "scanner grab-failed",
                [("device", settings.device), ("error", error.description), ("action", "reading without grab")])
        }
        return true
    }

    private func deliver(_ outputs: inout [EvdevDecoder.Output], completedAt: UInt64) {
        for output in outputs {
            switch output {
            case .scan(let text):
                send(.scan(ScannedText(text: text, completedAt: completedAt)))
            case .dropped(let reason):
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
        var entries = [
            pollfd(fd: port.fileDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stop.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            entries[0].revents = 0
            entries[1].revents = 0
            let ready = poll(&entries, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return .missing(SystemError(errno, call: "poll").description)
            }
            if entries[1].revents != 0 { return .stopped }
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

    private func sleepUnlessStopped(_ duration: Duration) -> Bool {
        var entry = pollfd(fd: stop.readEnd, events: Int16(POLLIN), revents: 0)
        let ms = ScannerReader.milliseconds(duration)
        return poll(&entry, 1, ms) == 1
    }

    static func milliseconds(until deadline: UInt64) -> Int32 {
        let now = monotonicNanoseconds()
        guard deadline > now else { return 0 }
        // Round up, so the poll does not wake just before the deadline and spin.
        return Int32(clamping: (deadline - now + 999_999) / 1_000_000) + 1
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}
