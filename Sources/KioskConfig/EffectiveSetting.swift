/// One key of the configuration kioskd runs with: its value with defaults filled in and
/// relative paths resolved, and where it came from (`kioskctl config show`).
public struct EffectiveSetting: Sendable, Equatable, Encodable {
    /// `Printer`.
    public var section: String
    /// `Baud`.
    public var key: String
    /// `115200`; empty for an optional key that is not set.
    public var value: String
    /// The file it was written in; nil for a default.
    public var file: String?
    /// Its line there.
    public var line: Int?

    /// `kiosk.conf:7`, or `default`.
    public var origin: String { file.map { "\($0):\(line ?? 0)" } ?? "default" }
}

extension ConfigurationCheckResult {
    /// Every key of every section of kiosk.conf in schema order, when the file loaded.
    public var effectiveSettings: [EffectiveSetting] {
        guard let configuration else { return [] }
        let sections: [(String, [String])] = [
            ("Kiosk", KioskConfiguration.Kiosk.keys), ("Printer", KioskConfiguration.Printer.keys),
            ("Scanner", KioskConfiguration.Scanner.keys), ("Central", KioskConfiguration.Central.keys),
            ("Control", KioskConfiguration.Control.keys),
        ]
        return sections.flatMap { section, keys in
            keys.map { key in
                let line = keyLines["\(section).\(key)"]
                return EffectiveSetting(
                    section: section, key: key, value: Self.value(section, key, configuration) ?? "",
                    file: line == nil ? nil : file, line: line)
            }
        }
    }

    private static func value(_ section: String, _ key: String, _ c: KioskConfiguration) -> String? {
        func yes(_ flag: Bool) -> String { flag ? "yes" : "no" }
        switch (section, key) {
        case ("Kiosk", "Id"): return c.kiosk.id
        case ("Kiosk", "Office"): return c.kiosk.office
        case ("Kiosk", "StateDirectory"): return c.kiosk.stateDirectory
        case ("Kiosk", "Procedures"): return c.kiosk.procedures
        case ("Kiosk", "Holidays"): return c.kiosk.holidays
        case ("Kiosk", "RetentionDays"): return String(c.kiosk.retentionDays)
        case ("Kiosk", "LogLevel"): return c.kiosk.logLevel.rawValue
        case ("Kiosk", "CodePrefix"): return c.kiosk.codePrefix
        case ("Printer", "Device"): return c.printer.device
        case ("Printer", "Baud"): return String(c.printer.baud)
        case ("Printer", "FlowControl"): return c.printer.flowControl.rawValue
        case ("Printer", "Profile"): return c.printer.profile
        case ("Printer", "Status"): return yes(c.printer.status)
        case ("Scanner", "Device"): return c.scanner.device
        case ("Scanner", "Mode"): return c.scanner.mode.rawValue
        case ("Scanner", "Keymap"): return c.scanner.keymap
        case ("Scanner", "Grab"): return yes(c.scanner.grab)
        case ("Scanner", "ScanTimeout"): return DurationText.format(c.scanner.scanTimeout)
        case ("Central", "URL"): return c.central.url
        case ("Central", "KeyFile"): return c.central.keyFile
        case ("Central", "CAFile"): return c.central.caFile
        case ("Central", "Certificate"): return c.central.certificate
        case ("Central", "PrivateKey"): return c.central.privateKey
        case ("Central", "BatchSize"): return String(c.central.batchSize)
        case ("Central", "Timeout"): return DurationText.format(c.central.timeout)
        case ("Central", "PollUpdates"): return DurationText.format(c.central.pollUpdates)
        case ("Control", "Socket"): return c.control.socket
        case ("Control", "Group"): return c.control.group
        case ("Control", "TechnicianCodes"): return yes(c.control.technicianCodes)
        default: return nil
        }
    }
}
