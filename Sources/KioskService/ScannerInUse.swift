import KioskConfig
import KioskDevices
import KioskSystem
import Synchronization

/// The scanner a configuration uses, reading on its own from the moment it opens.
///
/// Kept across a reload whose `[Scanner]` settings and keymap did not change, so the device
/// stays open (and grabbed) and no scan is lost while the rest of the kiosk is swapped: each
/// scan goes to whichever kiosk is running, and one read during a reload waits for the new
/// kiosk (bounded by ``ReloadWindow/maximumWait``) instead of meeting a half-started one.
final class ScannerInUse: Sendable {
    /// The `[Scanner]` settings the device was opened with.
    let settings: KioskConfiguration.Scanner
    /// The keymap scans are decoded with.
    let keymap: Keymap
    private let lastState = LastScannerState()
    private let task: Task<Void, Never>

    /// Starts reading from `source`; events go to the kiosk `window` holds.
    init(setup: ServiceSetup, source: any ScanSource, window: ReloadWindow, logger: Logger) {
        settings = setup.configuration.scanner
        keymap = setup.keymap
        let lastState = self.lastState
        let device = settings.device
        task = Task {
            for await event in source.events() {
                switch event {
                case .state(let state): lastState.value.withLock { $0 = state }
                case .dropped(let reason):
                    logger.log(.warning, "scan dropped", [("reason", "\(reason)")])
                    continue
                case .scan: break
                }
                // The running kiosk without a hop while none is being swapped; during a reload,
                // a wait for the next one.
                var running = window.running
                if running == nil { running = await window.kiosk() }
                guard let kiosk = running else {
                    logger.log(.warning, "scan dropped: no kiosk running after a reload", [("device", device)])
                    continue
                }
                await kiosk.handle(event)
            }
        }
    }

    /// The scanner's last reported state, for a kiosk started on it.
    var state: ScannerState { lastState.value.withLock { $0 } }

    /// Whether `setup` asks for this very scanner, so a reload can keep it.
    func serves(_ setup: ServiceSetup) -> Bool {
        setup.configuration.scanner == settings && setup.keymap == keymap
    }

    /// Stops reading and closes the device.
    func stop() async {
        task.cancel()
        await task.value
    }
}

/// The scanner's last state, shared between `ScannerInUse` and its reading task.
private final class LastScannerState: Sendable {
    let value = Mutex<ScannerState>(.missing(reason: "not read yet"))
}
