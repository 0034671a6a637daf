import ESCPOS
import KioskConfig
import KioskDevices
import KioskStore
import KioskSystem

/// The printer a configuration uses: its link (the open serial port), its print queue and
/// the task running that queue.
///
/// Kept across a reload whose `[Printer]` settings and profile did not change, so the port
/// stays open, the receipt being printed is not interrupted, and no intake meets a printer
/// that is still connecting. A reload that changes them stops this one (after the receipt in
/// progress) and starts another.
final class PrinterInUse: Sendable {
    /// The `[Printer]` settings the link was opened with.
    let settings: KioskConfiguration.Printer
    /// The profile the queue prints with.
    let profile: PrinterProfile
    let link: PrinterLink
    let queue: PrintQueue
    private let task: Task<Void, Never>

    /// Opens the link (its thread tries the device at once) and starts the queue.
    init(setup: ServiceSetup, store: KioskStore, logger: Logger) {
        settings = setup.configuration.printer
        profile = setup.profile
        let link = PrinterLink(configuration: PrinterAdapter.linkConfiguration(settings, profile: profile))
        let queue = PrintQueue(store: store, link: link, profile: profile, logger: logger)
        self.link = link
        self.queue = queue
        task = Task { await queue.run() }
    }

    /// Whether `setup` asks for this very printer, so a reload can keep it.
    func serves(_ setup: ServiceSetup) -> Bool {
        setup.configuration.printer == settings && setup.profile == profile
    }

    /// Stops the queue after the receipt in progress, then closes the port.
    func stop() async {
        task.cancel()
        await task.value
        await link.stop()
    }
}
