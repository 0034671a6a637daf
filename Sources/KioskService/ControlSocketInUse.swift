import KioskConfig
import KioskControl
import KioskSystem

/// The control socket a configuration uses.
///
/// Kept across a reload whose `[Control] Socket=` and `Group=` did not change, so a front
/// end's connection survives the reload, and a request that arrives while the kiosk is
/// swapped waits (bounded, ``ReloadWindow``) for the new one instead of finding no socket or
/// a kiosk half started.
final class ControlSocketInUse: Sendable {
    /// `[Control] Socket=` the server listens on.
    let socketPath: String
    /// `[Control] Group=` given access.
    let group: String
    private let server: ControlServer

    /// Creates the socket and starts accepting; a failure is logged and the kiosk runs on.
    init(setup: ServiceSetup, window: ReloadWindow, logger: Logger) {
        socketPath = setup.configuration.control.socket
        group = setup.configuration.control.group
        server = ControlServer(
            socketPath: socketPath, group: group, handler: ReloadingControl(window: window), logger: logger)
        do {
            try server.start()
        } catch {
            logger.log(.error, "control socket unavailable", [("reason", "\(error)")])
        }
    }

    /// Whether `setup` asks for this very socket, so a reload can keep it.
    func serves(_ setup: ServiceSetup) -> Bool {
        setup.configuration.control.socket == socketPath && setup.configuration.control.group == group
    }

    /// Closes the socket and its clients.
    func stop() { server.stop() }
}

/// Control requests answered by whichever kiosk is running, waiting for it during a reload.
struct ReloadingControl: ControlRequestHandling {
    let window: ReloadWindow

    /// The answer when no kiosk came back within the window's limit.
    static let reloading = ControlValue.error(
        "reloading", "the kiosk is still reloading its configuration; try again in a few seconds")

    private func running() async -> ServiceControl? {
        await window.kiosk().map { ServiceControl(kiosk: $0) }
    }

    func status() async -> ControlValue { await running()?.status() ?? Self.reloading }
    func queue(limit: Int) async -> ControlValue { await running()?.queue(limit: limit) ?? Self.reloading }
    func requeue(id: String?, all: Bool) async -> ControlValue {
        await running()?.requeue(id: id, all: all) ?? Self.reloading
    }
    func testPrint() async -> ControlValue { await running()?.testPrint() ?? Self.reloading }
    func reprint(code: String) async -> ControlValue { await running()?.reprint(code: code) ?? Self.reloading }
    func lookup(code: String, print: Bool) async -> ControlValue {
        await running()?.lookup(code: code, print: print) ?? Self.reloading
    }
    func intake(idCardQR: String, procedureCode: String) async -> ControlValue {
        await running()?.intake(idCardQR: idCardQR, procedureCode: procedureCode) ?? Self.reloading
    }
    func scan(text: String) async -> ControlValue { await running()?.scan(text: text) ?? Self.reloading }
    func subscribe() async -> AsyncStream<ControlValue> {
        // Events are the service's, not one configuration's: a subscription outlives reloads.
        guard let control = await running() else { return AsyncStream { $0.finish() } }
        return await control.subscribe()
    }
}
