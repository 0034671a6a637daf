import ESCPOS
import KioskConfig
import KioskDevices

/// The flows' view of the printer: the real link and its print queue.
struct PrinterAdapter: ReceiptPrinting {
    let link: PrinterLink
    let queue: PrintQueue

    func problem() async -> String? {
        let state = await link.status()
        return state.canPrint ? nil : state.reason
    }

    func jobsAdded() async { queue.wake() }

    // The buzzer pattern needs a non-job write path on the link; until then a refusal is
    // shown on the control socket and in the log only.
    func signalRefusal() async {}

    /// The link's settings from `[Printer]` and the profile.
    static func linkConfiguration(_ printer: KioskConfiguration.Printer, profile: PrinterProfile) -> PrinterLinkConfiguration {
        PrinterLinkConfiguration(
            devicePath: printer.device,
            serial: SerialPortSettings(
                baudRate: SerialPortSettings.BaudRate(rawValue: printer.baud) ?? .b115200,
                flowControl: SerialPortSettings.FlowControl(rawValue: printer.flowControl.rawValue) ?? .none),
            asksStatus: printer.status && profile.hasStatus)
    }
}
