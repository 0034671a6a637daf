import ESCPOS
import KioskConfig
import KioskDevices
import KioskDomain
import KioskForwarding
import KioskProtocol
import KioskReceipts
import KioskStore
import KioskSystem
import Synchronization

/// Everything that lives for one configuration: flows, forwarding, updates, health,
/// watchdog. A reload stops it and starts a new one on the same open store, so no job or
/// event is lost; the printer (`PrinterInUse`), the scanner (`ScannerInUse`) and the control
/// socket (`ControlSocketInUse`) outlive it when the reload did not change them.
final class RunningKiosk: Sendable {
    let setup: ServiceSetup
    let store: KioskStore
    let logger: Logger
    let notifier: SystemdNotifier
    let profile: PrinterProfile
    let link: PrinterLink
    let queue: PrintQueue
    let flows: KioskFlows
    let forwarder: Forwarder
    let poller: UpdatesPoller
    let health: HealthReporter
    let events: ServiceEvents
    private let scannerState: Mutex<ScannerState>
    private let statusLine: ServiceStatusLine

    init(
        setup: ServiceSetup, store: KioskStore, printer: PrinterInUse, scannerState: ScannerState, logger: Logger,
        notifier: SystemdNotifier, events: ServiceEvents
    ) {
        self.events = events
        self.setup = setup
        self.store = store
        self.logger = logger
        self.notifier = notifier
        self.profile = printer.profile
        self.scannerState = Mutex(scannerState)
        let configuration = setup.configuration
        link = printer.link
        queue = printer.queue
        let client = RunningKiosk.centralClient(setup)
        let forwarder = Forwarder(
            store: store, client: client,
            configuration: ForwarderConfiguration(batchSize: configuration.central.batchSize), logger: logger)
        self.forwarder = forwarder
        poller = UpdatesPoller(
            store: store, client: client, interval: configuration.central.pollUpdates.totalSeconds, logger: logger)
        health = HealthReporter(store: store)
        statusLine = ServiceStatusLine(notifier: notifier)
        flows = KioskFlows(
            setup: setup, store: store, printer: PrinterAdapter(link: link, queue: queue, profile: profile),
            profile: profile,
            logger: logger, events: events, onEventWritten: { await forwarder.nudge() })
    }

    /// Runs until cancelled. The printer and its queue belong to `PrinterInUse`, which
    /// finishes the receipt being printed when it is stopped.
    func run() async {
        let logger = self.logger
        // Weak: the flows belong to this kiosk; a strong capture would keep both after a reload.
        await flows.attachTechnicianStatus { [weak self] in await self?.technicianStatus() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.forwarder.run() }
            group.addTask { await self.poller.run() }
            group.addTask {
                // Retention follows the configuration in use, so a reload's RetentionDays= applies.
                await KioskService.purgeEveryFewHours(
                    store: self.store, days: self.setup.configuration.kiosk.retentionDays, logger: logger)
            }
            group.addTask {
                // The first state is the one found at start (logged even when it is "ok");
                // then each change, once, with what a technician should do.
                for await state in self.link.stateChanges() {
                    var fields = [("device", self.setup.configuration.printer.device)]
                    if let detail = self.link.lastKnownDetail { fields.append(("detail", detail)) }
                    if state != .ok { fields.append(("do", state.advice)) }
                    logger.log(state.canPrint ? .notice : .warning, "printer \(state.rawValue)", fields)
                    self.events.publish(.printer(state.rawValue))
                    await self.reportHealth()
                }
            }
            group.addTask {
                // The main loop's pulse: the session timer, health, status line, watchdog. The
                // watchdog is pinged only after the flows actor answered, so a stuck flow stops it.
                let watchdog = SystemdNotifier.watchdogInterval()
                let tick: Duration = min(.seconds(5), watchdog.map { $0 / 2 } ?? .seconds(5))
                var lastHealth = ContinuousClock.now - .seconds(3600)
                while !Task.isCancelled {
                    _ = await self.flows.expireIdleSession()
                    if watchdog != nil { try? self.notifier.watchdog() }
                    if ContinuousClock.now - lastHealth >= .seconds(60) {
                        await self.reportHealth()
                        lastHealth = .now
                    }
                    try? await Task.sleep(for: tick)
                }
            }
            await self.waitForCancellation()
            group.cancelAll()
        }
    }

    /// Handles what the scanner reported: a scan goes through the flows, a state change to
    /// the events and the health report (drops are logged by `ScannerInUse`).
    func handle(_ event: ScannerEvent) async {
        switch event {
        case .scan(let scanned):
            _ = await flows.handle(scan: scanned.text)
        case .state(let state):
            scannerState.withLock { $0 = state }
            events.publish(.scanner(state))
            // Logged once, by the scanner reader (with the reason and the device).
            await reportHealth()
        case .dropped:
            break
        }
    }

    private func waitForCancellation() async {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    /// Writes a `kiosk.health` event when something changed (or every 5 minutes), and
    /// publishes the one-line systemd status.
    func reportHealth() async {
        let summary = try? await store.summary()
        let snapshot = KioskHealthData(
            printer: link.lastKnownState.rawValue, scanner: scanner.healthValue,
            backlog: summary?.pending ?? 0,
            oldestPendingAt: summary?.oldestPendingAt, deadLetters: summary?.deadLetters ?? 0,
            version: kioskSoftwareVersion)
        if (try? await health.report(snapshot, now: Timestamp(unixSeconds: wallClockSeconds()))) == true {
            await forwarder.nudge()
        }
        statusLine.publish(
            printer: snapshot.printer, scanner: snapshot.scanner, summary: summary, forwarder: await forwarder.status)
    }

    /// The facts of the `KIOSK:STATUS` slip, from the same sources as the control socket's
    /// `status`.
    func technicianStatus() async -> TechnicianStatus {
        let configuration = setup.configuration
        let summary = try? await store.summary()
        let forwarding = await forwarder.status
        return TechnicianStatus.facts(
            kioskId: configuration.kiosk.id, version: kioskSoftwareVersion, printerProfile: profile.name,
            printerDevice: configuration.printer.device, printerState: link.lastKnownState.rawValue,
            printerDetail: link.lastKnownDetail, scannerDevice: configuration.scanner.device,
            scannerState: scanner.healthValue,
            backlog: summary?.pending ?? 0, oldestPendingAt: summary?.oldestPendingAt,
            deadLetters: summary?.deadLetters ?? 0, centralURL: configuration.central.url,
            forwarding: forwarding.state.rawValue,
            lastDeliveryAt: forwarding.lastDeliveryAt ?? summary?.lastDeliveredAt,
            lastError: forwarding.consecutiveFailures > 0 ? forwarding.lastError : nil,
            hostName: NetworkAddresses.hostName(), addresses: NetworkAddresses.current())
    }

    /// The scanner's last reported state.
    var scanner: ScannerState { scannerState.withLock { $0 } }

    static func centralClient(_ setup: ServiceSetup) -> CentralClient {
        let central = setup.configuration.central
        let transport = CentralHTTPTransport(
            configuration: CentralHTTPTransport.Configuration(
                caFile: central.caFile, certificate: central.certificate, privateKey: central.privateKey,
                timeout: central.timeout.totalSeconds, caPath: central.caPath))
        guard let url = central.url, let key = setup.centralKey else {
            // No URL: forwarding is off and events stay queued; the signer is never used.
            let unused = try! KioskKey(bytes: Array(repeating: 0, count: KioskKey.minimumLength))
            return CentralClient(
                baseURL: "", signer: RequestSigner(kioskId: setup.configuration.kiosk.id, key: unused),
                transport: transport)
        }
        return CentralClient(
            baseURL: url, signer: RequestSigner(kioskId: setup.configuration.kiosk.id, key: key), transport: transport)
    }
}
