import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The read loop of a USB HID Point-of-Sale scanner (`[Scanner] Mode=hidpos`), run on its own
/// thread (never the Swift concurrency pool): opens the hidraw node, checks its report
/// descriptor for the Bar Code Scanner page (0x8C), joins the Scanned Data Reports into scans
/// and, when the device goes away, closes it at once and waits for its return with inotify
/// (`HotPlugWatch`), as `ScannerReader` does for evdev.
///
/// A HID-POS scanner sends the bar code's bytes exactly: an ID card QR's Vietnamese arrives
/// as UTF-8, with no keymap and no Alt codes to get wrong.
///
/// A FIFO or regular file stands in for a hidraw node in tests: it answers no hidraw ioctl,
/// so its report descriptor is read from the file `DEVICE.rdesc` beside it, and the bytes read
/// are cut into reports of the descriptor's length (a hidraw node returns one report a read).
///
/// `@unchecked Sendable`: it is handed to the reader thread at start and used only there
/// afterwards; `emit`, `logger` and `stop` are themselves thread-safe.
final class HIDPOSScannerReader: @unchecked Sendable {
    private let settings: ScannerSettings
    private let logger: Logger
    private let stop: WakePipe
    private let emit: @Sendable (ScannerEvent) -> Void
    private var reported: ScannerState?

    private typealias SessionEnd = DeviceSessionEnd

    /// What the device's report descriptor said.
    private enum Description {
        case usable(HIDPOSDescriptor, ScannerIdentity?, readsWholeReports: Bool)
        case unusable(String)
    }

    /// The suffix of the file that holds a stand-in's report descriptor.
    static let standInDescriptorSuffix = ".rdesc"

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
        loop.run(session: { _, _ in session() }, missing: { reason in report(.missing(reason: reason)) })
    }

    /// The descriptor of the device: by ioctl from a hidraw node, from `DEVICE.rdesc` for a
    /// stand-in. Also says whether reads are whole reports (hidraw) or a byte stream (FIFO).
    private func describe(_ device: HIDRawDevice) -> Description {
        let bytes: [UInt8]
        var identity: ScannerIdentity?
        var isHIDRaw = true
        do {
            bytes = try device.reportDescriptor()
            identity = try? device.identity()
        } catch {
            guard HIDRawDevice.meansNotHIDRaw(error) else { return .unusable(error.description) }
            let file = settings.device + Self.standInDescriptorSuffix
            guard let contents = SysfsFiles.bytes(file) else {
                return .unusable(
                    "\(settings.device) is not a hidraw node (\(error.description)); "
                        + "point Device= at /dev/hidrawN or the udev link /dev/kiosk-scanner")
            }
            bytes = contents
            isHIDRaw = false
        }
        do throws(HIDPOSDescriptorError) {
            return .usable(try HIDPOSDescriptor(parsing: bytes), identity, readsWholeReports: isHIDRaw)
        } catch {
            return .unusable("\(settings.device): \(error.description)")
        }
    }

    private func session() -> SessionEnd {
        let device: HIDRawDevice
        do {
            device = try HIDRawDevice(path: settings.device)
        } catch {
            return .missing(DeviceNode.whyNotOpened(error))
        }
        defer { device.close() }
        let descriptor: HIDPOSDescriptor
        let readsWholeReports: Bool
        switch describe(device) {
        case .unusable(let reason):
            return .missing(reason)
        case .usable(let found, let identity, let isHIDRaw):
            descriptor = found
            readsWholeReports = isHIDRaw
            report(.ok(identity))
        }
        let reportLength = descriptor.reportBytes + (descriptor.reportID == nil ? 0 : 1)
        var assembler = HIDPOSReportAssembler(descriptor: descriptor)
        var buffer = [UInt8](repeating: 0, count: 4096)
        var stream: [UInt8] = []
        var readSomething = false
        while true {
            let outcome: PollOutcome
            do throws(SystemError) {
                outcome = try waitForDescriptor(
                    device.fileDescriptor, stop: stop.readEnd,
                    until: assembler.deadline.map(MonotonicDeadline.init(nanoseconds:)))
            } catch {
                return .missing(error.description)
            }
            if outcome == .stopped { return .stopped }
            let deviceEvents = outcome.events(of: 0)
            if deviceEvents & Int16(POLLIN) != 0 {
                let n = device.read(into: &buffer)
                if n > 0 {
                    readSomething = true
                    let now = monotonicNanoseconds()
                    if readsWholeReports {
                        deliver(assembler.feed(buffer[0..<n], now: now), completedAt: now)
                    } else {
                        stream.append(contentsOf: buffer[0..<n])
                        while stream.count >= reportLength {
                            deliver(assembler.feed(stream[0..<reportLength], now: now), completedAt: now)
                            stream.removeFirst(reportLength)
                        }
                    }
                    continue
                }
                let code = errno
                if n < 0 && (code == EINTR || code == EAGAIN) { continue }
                // End of file (a FIFO's writer left), ENODEV (unplugged) or any other read
                // error: close at once, a dead descriptor left in the poll set would spin.
                device.close()
                deliver(assembler.reset(), completedAt: monotonicNanoseconds())
                if n == 0 { return .endOfFile(readSomething: readSomething) }
                return .missing(SystemError(code, call: "read(\(settings.device))").description)
            }
            if deviceEvents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                device.close()
                deliver(assembler.reset(), completedAt: monotonicNanoseconds())
                if deviceEvents & Int16(POLLHUP) != 0 && deviceEvents & Int16(POLLERR | POLLNVAL) == 0 {
                    return .endOfFile(readSomething: readSomething)
                }
                return .missing("\(settings.device): device gone (poll reported an error: unplugged?)")
            }
            let now = monotonicNanoseconds()
            deliver(assembler.expire(now: now), completedAt: now)
        }
    }

    private func deliver(_ output: HIDPOSReportAssembler.Output?, completedAt: UInt64) {
        switch output {
        case nil:
            return
        case .scan(let scan)?:
            if !scan.isValidUTF8 {
                logger.log(
                    .warning, "scanner invalid-utf8",
                    [("device", settings.device), ("action", "replaced by U+FFFD; set the scanner to UTF-8 output")])
            }
            logger.log(
                .debug, "scanner hidpos-scan",
                [("device", settings.device), ("symbology", scan.symbology), ("bytes", String(scan.bytes.count))])
            emit(.scan(ScannedText(text: scan.text, completedAt: completedAt, symbology: scan.symbology)))
        case .dropped(let reason)?:
            logger.log(.warning, "scanner scan-dropped", [("device", settings.device), ("reason", reason.description)])
            emit(.dropped(reason))
        }
    }

    private func report(_ state: ScannerState) {
        if let reported, reported == state { return }
        reported = state
        switch state {
        case .ok:
            logger.log(
                .notice, "scanner ok", [("device", settings.device), ("mode", "hidpos"), ("state", state.description)])
        case .missing(let reason):
            logger.log(.warning, "scanner missing", [("device", settings.device), ("reason", reason)])
        }
        emit(.state(state))
    }
}
