import ESCPOS
import KioskConfig
import KioskDevices
import KioskDomain
import KioskForwarding
import KioskProtocol
import KioskStore
import KioskSystem
import Synchronization

/// Everything that lives for one configuration: printer link and queue, scanner, flows,
/// forwarding, updates, health, watchdog. A reload stops it (after the receipt in progress)
/// and starts a new one on the same open store, so no job or event is lost.
final class RunningKiosk: Sendable {
    let setup: ServiceSetup
    let store: KioskStore
    let logger: Logger
    let notifier: SystemdNotifier
    let scanSource: any ScanSource
    let profile: PrinterProfile
    let link: PrinterLink
    let queue: PrintQueue
    let flows: KioskFlows
    let forwarder: Forwarder
    let poller: UpdatesPoller
    let health: HealthReporter
    let events: ServiceEvents
    private let scannerState = Mutex("missing")
    private let statusLine: ServiceStatusLine

    init(
        setup: ServiceSetup, store: KioskStore, profile: PrinterProfile, logger: Logger, notifier: SystemdNotifier,
        scanSource: any ScanSource, events: ServiceEvents
    ) {
        self.events = events
        self.setup = setup
        self.store = store
        self.logger = logger
        self.notifier = notifier
        self.scanSource = scanSource
        self.profile = profile
        let configuration = setup.configuration
        link = PrinterLink(configuration: PrinterAdapter.linkConfiguration(configuration.printer, profile: profile))
        queue = PrintQueue(store: store, link: link, profile: profile)
        let log = ForwardingLog.bridging(to: logger)
        let client = RunningKiosk.centralClient(setup)
        let forwarder = Forwarder(
            store: store, client: client,
            configuration: ForwarderConfiguration(batchSize: configuration.central.batchSize), log: log)
        self.forwarder = forwarder
        poller = UpdatesPoller(
            store: store, client: client, interval: configuration.central.pollUpdates.seconds, log: log)
        health = HealthReporter(store: store)
        statusLine = ServiceStatusLine(notifier: notifier)
        flows = KioskFlows(
            setup: setup, store: store, printer: PrinterAdapter(link: link, queue: queue, profile: profile),
            profile: profile,
            logger: logger, events: events, onEventWritten: { await forwarder.nudge() })
    }

    /// Runs until cancelled; the receipt being printed is finished first.
    func run() async {
        let logger = self.logger
        let control = ControlServer(
            socketPath: setup.configuration.control.socket, group: setup.configuration.control.group,
            handler: ServiceControl(kiosk: self), logger: logger)
        do {
            try control.start()
        } catch {
            logger.log(.error, "control socket unavailable", [("reason", "\(error)")])
        }
        defer { control.stop() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.forwarder.run() }
            group.addTask { await self.poller.run() }
            group.addTask { await self.queue.run() }
            group.addTask {
                // Retention follows the configuration in use, so a reload's RetentionDays= applies.
                await KioskService.purgeEveryFewHours(
                    store: self.store, days: self.setup.configuration.kiosk.retentionDays, logger: logger)
            }
            group.addTask {
                for await state in self.link.stateChanges() {
                    logger.log(
                        state.canPrint ? .notice : .warning, "printer \(state.rawValue)",
                        [("device", self.setup.configuration.printer.device)]
                            + (self.link.lastKnownDetail.map { [("detail", $0)] } ?? []))
                    self.events.publish(.printer(state.rawValue))
                    await self.reportHealth()
                }
            }
            group.addTask {
                for await signal in self.scanSource.signals() {
                    switch signal {
                    case .scan(let text):
                        _ = await self.flows.handle(scan: text)
                    case .state(let state):
                        self.scannerState.withLock { $0 = state }
                        self.events.publish(.scanner(state))
                        // Logged once, by the scanner reader (with the reason and the device).
                        await self.reportHealth()
                    }
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
        await link.stop()
    }

    private func waitForCancellation() async {
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
    }

    /// Writes a `kiosk.health` event when something changed (or every 5 minutes), and
    /// publishes the one-line systemd status.
    func reportHealth() async {
        let summary = try? await store.summary()
        let snapshot = HealthSnapshot(
            printer: link.lastKnownState.rawValue, scanner: scannerState.withLock { $0 },
            backlog: summary?.pending ?? 0,
            oldestPendingAt: summary?.oldestPendingAt, deadLetters: summary?.deadLetters ?? 0,
            version: kioskSoftwareVersion)
        if (try? await health.report(snapshot, now: Timestamp(unixSeconds: wallClockSeconds()))) == true {
            await forwarder.nudge()
        }
        statusLine.publish(
            printer: snapshot.printer, scanner: snapshot.scanner, summary: summary, forwarder: await forwarder.status)
    }

    /// The scanner's last reported state.
    var scanner: String { scannerState.withLock { $0 } }

    static func centralClient(_ setup: ServiceSetup) -> CentralClient {
        let central = setup.configuration.central
        let transport = CurlTransport(
            configuration: CurlTransport.Configuration(
                caFile: central.caFile, certificate: central.certificate, privateKey: central.privateKey,
                timeout: central.timeout.seconds))
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
