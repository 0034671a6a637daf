extension KioskConfiguration {
    /// `[Control]`: the Unix socket technicians and front ends talk to.
    public struct Control: Sendable, Equatable {
        /// `Socket=/run/kiosk/control.sock`.
        public var socket: String
        /// `Group=kiosk-tech`: the group that may use the socket (mode 0660).
        public var group: String
        /// `TechnicianCodes=no`: whether `KIOSK:TEST-PAGE`, `KIOSK:STATUS` scans work.
        public var technicianCodes: Bool

        /// Creates the section with the documented defaults.
        public init(
            socket: String = "/run/kiosk/control.sock", group: String = "kiosk-tech", technicianCodes: Bool = false
        ) {
            self.socket = socket
            self.group = group
            self.technicianCodes = technicianCodes
        }

        static let keys = ["Socket", "Group", "TechnicianCodes"]

        static func read(_ reader: inout SectionReader) -> Control? {
            let defaults = Control()
            return Control(
                socket: reader.value("Socket", default: defaults.socket, ValueSyntax.path),
                group: reader.value("Group", default: defaults.group, parseGroup),
                technicianCodes: reader.value("TechnicianCodes", default: defaults.technicianCodes, ValueSyntax.boolean)
            )
        }

        /// A POSIX group name as Debian's `groupadd` accepts: `[a-z_][a-z0-9_-]*`, at most 32.
        private static func parseGroup(_ text: String) -> Result<String, ValueProblem> {
            let bytes = Array(text.utf8)
            let valid =
                (1...32).contains(bytes.count)
                && ((bytes[0] >= 0x61 && bytes[0] <= 0x7A) || bytes[0] == 0x5F)
                && bytes.allSatisfy {
                    ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D
                }
            return valid
                ? .success(text)
                : .failure(ValueProblem("not a group name; use lower-case letters, digits, - and _, e.g. kiosk-tech"))
        }
    }
}
