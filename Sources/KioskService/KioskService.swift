import KioskConfig
import KioskDomain
import KioskForwarding
import KioskProtocol
import KioskStore
import KioskSystem

/// The running kiosk: the store, forwarding to the central server, status updates, health
/// events and retention, as one group of tasks that stops together.
///
/// Devices and flows join this group as they are built; until then the printer and scanner
/// report `missing` in `kiosk.health`.
public final class KioskService: Sendable {
    /// What the service was started with.
    public let setup: ServiceSetup
    private let logger: Logger
    private let notifier: SystemdNotifier

    /// Creates the service; nothing is opened until `run`.
    public init(setup: ServiceSetup, logger: Logger, notifier: SystemdNotifier = SystemdNotifier()) {
        self.setup = setup
        self.logger = logger
        self.notifier = notifier
    }

    /// Runs until SIGTERM/SIGINT (or the signal stream ends); returns the exit code.
    public func run(signals: AsyncStream<ServiceSignal>) async -> Int32 {
        let configuration = setup.configuration
        let layout = StateLayout(directory: configuration.kiosk.stateDirectory)
        let store: KioskStore
        do {
            try StateDirectory.prepare(layout.directory)
            store = try KioskStore(path: layout.database)
        } catch {
            logger.log(.error, "store cannot open", [("path", layout.database), ("reason", "\(error)")])
            return 1
        }
        if let recovery = store.recovery {
            logger.log(
                .error, "store was corrupt: moved aside, started a new one",
                [("kept", recovery.movedTo), ("reason", recovery.reason)])
        }
        logger.log(
            .info, "kioskd started",
            [
                ("version", kioskSoftwareVersion), ("kiosk", configuration.kiosk.id), ("database", layout.database),
                ("central", configuration.central.url ?? "none (events stay queued)"),
            ])

        let log = ForwardingLog.bridging(to: logger)
        let client = makeCentralClient()
        let forwarder = Forwarder(
            store: store, client: client,
            configuration: ForwarderConfiguration(batchSize: configuration.central.batchSize), log: log)
        let poller = UpdatesPoller(
            store: store, client: client, interval: configuration.central.pollUpdates.seconds, log: log)
        let health = HealthReporter(store: store)
        let status = ServiceStatusLine(notifier: notifier)

        try? notifier.ready(status: "starting")
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await forwarder.run() }
            group.addTask { await poller.run() }
            group.addTask {
                await Self.every(seconds: 60) {
                    let summary = try? await store.summary()
                    let snapshot = HealthSnapshot(
                        printer: "missing", scanner: "missing", backlog: summary?.pending ?? 0,
                        oldestPendingAt: summary?.oldestPendingAt, deadLetters: summary?.deadLetters ?? 0,
                        version: kioskSoftwareVersion)
                    if (try? await health.report(snapshot, now: Timestamp(unixSeconds: wallClockSeconds()))) == true {
                        await forwarder.nudge()
                    }
                    status.publish(summary: summary, forwarder: await forwarder.status)
                }
            }
            group.addTask { [logger] in
                let retention = configuration.kiosk.retentionDays
                await Self.every(seconds: 6 * 3600) {
                    do {
                        let report = try await store.purge(
                            retentionDays: retention, now: Timestamp(unixSeconds: wallClockSeconds()))
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
                }
            }
            for await signal in signals {
                switch signal {
                case .terminate(let number):
                    logger.log(.notice, "stopping", [("signal", "\(number)")])
                    try? notifier.stopping()
                    group.cancelAll()
                case .reload:
                    logger.log(.notice, "reload requested: not supported yet, restart the service to apply changes")
                }
                if group.isCancelled { break }
            }
            group.cancelAll()
        }
        await store.close()
        logger.log(.info, "kioskd stopped")
        return 0
    }

    private func makeCentralClient() -> CentralClient {
        let central = setup.configuration.central
        let signer = RequestSigner(
            kioskId: setup.configuration.kiosk.id,
            key: setup.centralKey ?? (try! KioskKey(bytes: Array(repeating: 0, count: KioskKey.minimumLength))))
        let transport = CurlTransport(
            configuration: CurlTransport.Configuration(
                caFile: central.caFile, certificate: central.certificate, privateKey: central.privateKey,
                timeout: central.timeout.seconds))
        return CentralClient(baseURL: central.url ?? "", signer: signer, transport: transport)
    }

    /// Runs `body` now and then every `seconds` until cancelled.
    static func every(seconds: Double, _ body: @Sendable () async -> Void) async {
        while !Task.isCancelled {
            await body()
            do { try await Task.sleep(for: .seconds(seconds)) } catch { return }
        }
    }
}

extension Duration {
    /// The duration in seconds, fractions kept.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
