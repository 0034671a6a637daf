import ESCPOS
import KioskConfig
import KioskDomain
import KioskStore
import KioskSystem

/// The kiosk service: opens the store once, then runs the configured kiosk (printer, scanner,
/// flows, forwarding) until SIGTERM; SIGHUP swaps in a new configuration without closing the
/// store, so no job or event is lost across a reload.
public final class KioskService: Sendable {
    /// What the service was started with.
    public let setup: ServiceSetup
    private let logger: Logger
    private let notifier: SystemdNotifier
    private let scanSource: @Sendable (ServiceSetup) -> any ScanSource
    private let reload: @Sendable () -> Result<ServiceSetup, SetupProblems>
    /// What happens at the kiosk, for control-socket subscribers and the demo.
    public let events = ServiceEvents()

    /// Creates the service; nothing is opened until `run`.
    ///
    /// - Parameters:
    ///   - scanSource: where scans come from for a configuration (the scanner device by default).
    ///   - reload: how SIGHUP reads the configuration again (the same file by default).
    public init(
        setup: ServiceSetup, logger: Logger, notifier: SystemdNotifier = SystemdNotifier(),
        scanSource: (@Sendable (ServiceSetup) -> any ScanSource)? = nil,
        reload: (@Sendable () -> Result<ServiceSetup, SetupProblems>)? = nil
    ) {
        self.setup = setup
        self.logger = logger
        self.notifier = notifier
        self.scanSource =
            scanSource ?? {
                DeviceScanSource(configuration: $0.configuration.scanner, keymap: $0.keymap, logger: logger)
            }
        let file = setup.file
        self.reload = reload ?? { ServiceSetup.load(path: file) }
    }

    /// Runs until a stop is asked (SIGTERM/SIGINT through `signals`); returns the exit code.
    ///
    /// A stop is read from `signals` as state before anything else, so it is honoured
    /// whatever else arrives; reloads asked while one is under way make one more reload.
    public func run(signals: ServiceSignals) async -> Int32 {
        var setup = self.setup
        let layout = StateLayout(directory: setup.configuration.kiosk.stateDirectory)
        let store: KioskStore
        do {
            try StateDirectory.prepare(layout.directory)
        } catch {
            logger.log(.error, "state directory cannot be made", [("path", layout.directory), ("reason", "\(error)")])
            return 1
        }
        if let problem = StateDirectory.writeProblem(layout) {
            // A database left by a run as root: refuse now, not intake by intake later.
            logger.log(.error, "kioskd not started: state not writable", [("problem", problem)])
            return 73  // EX_CANTCREAT
        }
        do {
            // Opening runs integrity_check and migrations (reads of the whole file, fsyncs): on a
            // thread of its own, never on the concurrency pool; the store's calls then run on
            // the store's thread.
            let database = layout.database
            store = try await NamedThread.run("store-open") { try KioskStore(path: database) }
        } catch {
            logger.log(.error, "store cannot open", [("path", layout.database), ("reason", "\(error)")])
            return 1
        }
        if let recovery = store.recovery {
            logger.log(
                .error, "store was corrupt: moved aside, started a new one",
                [("kept", recovery.movedTo), ("reason", recovery.reason)])
        }
        let window = ReloadWindow()
        var printer = PrinterInUse(setup: setup, store: store, logger: logger)
        var scanner = ScannerInUse(setup: setup, source: scanSource(setup), window: window, logger: logger)
        var control = ControlSocketInUse(setup: setup, window: window, logger: logger)
        var kiosk = await start(
            setup, store: store, printer: printer, scanner: scanner, window: window, signals: signals)
        logger.log(
            .info, "kioskd started",
            [
                ("version", kioskSoftwareVersion), ("kiosk", setup.configuration.kiosk.id),
                ("database", layout.database),
                ("printer", setup.configuration.printer.device), ("scanner", setup.configuration.scanner.device),
                ("central", setup.configuration.central.url ?? "none (events stay queued)"),
            ])
        try? notifier.ready(status: "started")
        // Said when the stop is asked (on the signal's thread), even while a reload's stop of
        // the running kiosk is still under way; once, whatever else arrives.
        signals.whenStopAsked { [logger, notifier] number in
            logger.log(.notice, "stopping", [("signal", "\(number)")])
            try? notifier.stopping()
        }

        signalLoop: while true {
            switch await signals.next() {
            case .terminate:
                break signalLoop
            case .freezeMainLoopForTesting:
                logger.log(.warning, "test hook: main loop frozen for 8 s")
                let flows = kiosk.kiosk.flows
                Task { await flows.freezeForTesting(seconds: 8) }
            case .reload:
                try? notifier.reloading()
                switch reload() {
                case .failure(let problems):
                    for line in problems.lines { logger.log(.error, "reload refused: config problem", [("at", line)]) }
                    logger.log(.warning, "reload refused: keeping the configuration in use")
                case .success(let next):
                    // Scans read from here on wait for the new kiosk instead of meeting this one
                    // half stopped.
                    await window.open(nil)
                    await kiosk.stop()
                    setup = next
                    logger.setMinimum(LogPriority(name: next.configuration.kiosk.logLevel.rawValue) ?? .info)
                    if signals.stopRequested != nil {
                        // A stop came during the reload (and was said then): nothing new is
                        // started for it.
                        break signalLoop
                    }
                    let keptPrinter = printer.serves(next)
                    if !keptPrinter {
                        await printer.stop()
                        printer = PrinterInUse(setup: next, store: store, logger: logger)
                    }
                    let keptScanner = scanner.serves(next)
                    if !keptScanner {
                        await scanner.stop()
                        scanner = ScannerInUse(setup: next, source: scanSource(next), window: window, logger: logger)
                    }
                    let keptControl = control.serves(next)
                    if !keptControl {
                        await control.stop()
                        control = ControlSocketInUse(setup: next, window: window, logger: logger)
                    }
                    kiosk = await start(
                        next, store: store, printer: printer, scanner: scanner, window: window, signals: signals,
                        previous: kiosk)
                    logger.log(
                        .notice, "configuration reloaded",
                        [
                            ("file", next.file), ("printer", keptPrinter ? "kept open" : "reopened"),
                            ("scanner", keptScanner ? "kept open" : "reopened"),
                            ("control-socket", keptControl ? "kept open" : "reopened"),
                        ])
                }
                if signals.stopRequested == nil { try? notifier.ready(status: "reloaded") }
            }
        }
        // Requests and scans waiting for a kiosk (a stop during a reload) get none at once;
        // the running kiosk answers until the socket closes.
        await window.shutForStop()
        await control.stop()
        await kiosk.stop()
        // The receipt being printed is finished first.
        await printer.stop()
        await scanner.stop()
        await store.close()
        logger.log(.info, "kioskd stopped")
        return 0
    }

    private func start(
        _ setup: ServiceSetup, store: KioskStore, printer: PrinterInUse, scanner: ScannerInUse, window: ReloadWindow,
        signals: ServiceSignals, previous: RunningKioskTask? = nil
    ) async -> RunningKioskTask {
        let kiosk = RunningKiosk(
            setup: setup, store: store, printer: printer, scannerState: scanner.state, logger: logger,
            notifier: notifier, events: events)
        if let previous { await kiosk.flows.continueSession(from: previous.kiosk.flows) }
        // A calibration at the kiosk (KIOSK:CALIBRATE) wrote the local profile: reload, so the
        // print queue and the next kiosk print with it, without a restart.
        await kiosk.flows.attachProfileCalibrated { signals.requestReload() }
        let running = RunningKioskTask(kiosk)
        await window.open(kiosk)
        return running
    }

    static func purgeEveryFewHours(store: KioskStore, days: Int, logger: Logger) async {
        while !Task.isCancelled {
            do {
                let report = try await store.purge(retentionDays: days, now: Timestamp(unixSeconds: wallClockSeconds()))
                if report.eventsDeleted + report.dossiersScrubbed > 0 {
                    logger.log(
                        .info, "retention purge",
                        [
                            ("events-deleted", "\(report.eventsDeleted)"),
                            ("dossiers-scrubbed", "\(report.dossiersScrubbed)"),
                        ])
                }
            } catch {
                logger.log(.warning, "retention purge failed", [("reason", "\(error)")])
            }
            try? await Task.sleep(for: .seconds(6 * 3600))
        }
    }
}

/// A running kiosk and the task running it.
struct RunningKioskTask: Sendable {
    let kiosk: RunningKiosk
    let task: Task<Void, Never>

    init(_ kiosk: RunningKiosk) {
        self.kiosk = kiosk
        task = Task { await kiosk.run() }
    }

    /// Cancels and waits: the receipt in progress finishes first.
    func stop() async {
        task.cancel()
        await task.value
    }
}
