import ESCPOS
import KioskConfig
import KioskDevices
import KioskStore

/// The flows' view of the printer: the real link and its print queue.
struct PrinterAdapter: ReceiptPrinting {
    let link: PrinterLink
    let queue: PrintQueue
    let profile: PrinterProfile

    nonisolated(nonsending) func problem() async -> String? {
        // A fresh pushed status is the printer's answer already: no hand-off to its thread.
        if link.pushedReadyState != nil { return nil }
        let state = await link.status()
        return state.canPrint ? nil : state.reason
    }

    /// On the store's thread, at the job's commit: the job's bytes go to the printer link's
    /// thread now; the queue records its steps (`PrintQueue.start`).
    func print(_ job: PrintJob) { queue.start(job) }

    /// Three short beeps (`ESC B 3 1`) where the profile has a buzzer; the refusal is also
    /// on the control socket and in the log.
    func signalRefusal() async {
        guard profile.hasBuzzer else { return }
        link.signal(Self.refusalBeep)
    }

    /// Sends the slip and returns once its bytes are out; the check after it runs on its own,
    /// so the next scan does not wait for the printer to finish printing the slip.
    func printSlip(_ bytes: [UInt8]) async -> Bool {
        // Its check settles on its own (its confirmation is not awaited).
        guard case .written = try? await link.sendWithConfirmation(bytes).transfer else { return false }
        return true
    }

    /// `ESC B n t`: n beeps of t × 100 ms.
    static let refusalBeep: [UInt8] = [0x1B, 0x42, 3, 1]

    /// The link's settings from `[Printer]` and the profile.
    static func linkConfiguration(_ printer: KioskConfiguration.Printer, profile: PrinterProfile)
        -> PrinterLinkConfiguration
    {
        PrinterLinkConfiguration(
            devicePath: printer.device,
            serial: SerialPortSettings(
                baudRate: SerialPortSettings.BaudRate(rawValue: printer.baud) ?? .b115200,
                flowControl: SerialPortSettings.FlowControl(rawValue: printer.flowControl.rawValue) ?? .none),
            asksStatus: printer.status && profile.hasStatus,
            automaticStatusBack: profile.hasAutomaticStatusBack)
    }
}
