extension KioskConfiguration {
    /// `[Printer]`: the ESC/POS receipt printer on a serial port.
    public struct Printer: Sendable, Equatable {
        /// `Device=/dev/kiosk-printer`: the serial device.
        public var device: String
        /// `Baud=115200`: one of ``supportedBaudRates``.
        public var baud: Int
        /// `FlowControl=rtscts`.
        public var flowControl: FlowControl
        /// `Profile=generic-80mm`: a profile of the data folder's `printers/` (`/usr/share/kiosk`).
        public var profile: String
        /// `Status=yes`; no when the printer does not answer `DLE EOT`.
        public var status: Bool

        /// The baud rates `Baud=` accepts.
        public static let supportedBaudRates = [9600, 19200, 38400, 57600, 115200, 230400]

        /// Creates the section with the documented defaults.
        public init(
            device: String = "/dev/kiosk-printer", baud: Int = 115200, flowControl: FlowControl = .rtscts,
            profile: String = "generic-80mm", status: Bool = true
        ) {
            self.device = device
            self.baud = baud
            self.flowControl = flowControl
            self.profile = profile
            self.status = status
        }

        static let keys = ["Device", "Baud", "FlowControl", "Profile", "Status"]

        static func read(_ reader: inout SectionReader) -> Printer? {
            let defaults = Printer()
            return Printer(
                device: reader.value("Device", default: defaults.device, ValueSyntax.path),
                baud: reader.value("Baud", default: defaults.baud, parseBaud),
                flowControl: reader.value("FlowControl", default: defaults.flowControl) {
                    ValueSyntax.choice($0, of: FlowControl.self)
                },
                profile: reader.value("Profile", default: defaults.profile) {
                    ValueSyntax.resourceName($0, folder: "the printer profiles (/usr/share/kiosk/printers)")
                },
                status: reader.value("Status", default: defaults.status, ValueSyntax.boolean))
        }

        private static func parseBaud(_ text: String) -> Result<Int, ValueProblem> {
            if let baud = Int(text), supportedBaudRates.contains(baud) { return .success(baud) }
            return .failure(
                ValueProblem(
                    "not a supported baud rate; use one of "
                        + supportedBaudRates.map(String.init).joined(separator: ", ")))
        }
    }
}

/// `[Printer] FlowControl=`: how the printer tells the kiosk to pause.
public enum FlowControl: String, Sendable, CaseIterable {
    /// None: writes are paced to the baud rate.
    case none
    /// Hardware RTS/CTS lines.
    case rtscts
    /// Software XON/XOFF bytes.
    case xonxoff
}
