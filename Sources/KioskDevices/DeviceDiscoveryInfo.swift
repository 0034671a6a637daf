/// One input device found by `DeviceDiscovery`.
public struct InputDeviceInfo: Sendable, Equatable, Encodable {
    /// `event3`.
    public var event: String
    /// `/dev/input/event3`.
    public var devicePath: String
    /// The kernel's name for it (from the device's USB descriptor).
    public var name: String
    /// USB vendor id, 4 hex digits (`0c2e`), when it is a USB device.
    public var vendorId: String?
    /// USB product id.
    public var productId: String?
    /// The USB manufacturer string.
    public var manufacturer: String?
    /// The USB product string.
    public var product: String?
    /// Stable `/dev/input/by-id/…` links to it.
    public var byIdLinks: [String]
    /// Whether it types letters, digits and Enter.
    public var isKeyboard: Bool
    /// Whether it looks like a barcode scanner (a keyboard with a scanner's name or vendor).
    public var looksLikeScanner: Bool
    /// Why (or why not), for the technician.
    public var reasons: [String]
    /// The udev rule that would give it the link `/dev/kiosk-scanner`.
    public var udevRule: String?
}

/// One serial port found by `DeviceDiscovery`.
public struct SerialPortInfo: Sendable, Equatable, Encodable {
    /// `ttyUSB0`.
    public var name: String
    /// `/dev/ttyUSB0`.
    public var devicePath: String
    /// The kernel driver (`ftdi_sio`, `cdc_acm`, `serial8250`), when known.
    public var driver: String?
    /// USB vendor id, when it is a USB device.
    public var vendorId: String?
    /// USB product id.
    public var productId: String?
    /// The USB manufacturer string.
    public var manufacturer: String?
    /// The USB product string.
    public var product: String?
    /// Stable `/dev/serial/by-id/…` links to it.
    public var byIdLinks: [String]
    /// Whether it looks like a scanner in serial mode (a scanner maker's vendor id or name).
    public var looksLikeScanner: Bool
    /// Why, for the technician.
    public var reasons: [String]
    /// The udev rule that would give it `/dev/kiosk-printer` (or `/dev/kiosk-scanner`).
    public var udevRule: String?
}

/// udev rule lines for stable device names.
public enum UdevRule {
    /// Where a technician's own rule lines go: read by /lib/udev/rules.d/60-kiosk.rules, which
    /// turns `ENV{KIOSK_ROLE}` into the /dev/kiosk-printer and /dev/kiosk-scanner links.
    public static let localRulesFile = "/etc/udev/rules.d/60-kiosk-local.rules"

    /// The line for 60-kiosk-local.rules, in the form the shipped rules document:
    /// `SUBSYSTEM=="tty", ATTRS{idVendor}=="0403", ATTRS{idProduct}=="6001", ENV{KIOSK_ROLE}="printer"`;
    /// input devices match their keyboard interface only (`ENV{ID_INPUT_KEYBOARD}=="1"`), so a
    /// scanner with several input nodes gets the link on the one that types; by kernel name
    /// when the device is not on USB (a built-in UART).
    public static func line(subsystem: String, kernel: String, vendorId: String?, productId: String?, role: String)
        -> String
    {
        var parts = ["SUBSYSTEM==\"\(subsystem)\""]
        if let vendorId, let productId {
            if subsystem == "input" { parts.append("KERNEL==\"event*\"") }
            parts.append("ATTRS{idVendor}==\"\(vendorId)\"")
            parts.append("ATTRS{idProduct}==\"\(productId)\"")
        } else {
            parts.append("KERNEL==\"\(kernel)\"")
        }
        if subsystem == "input" { parts.append("ENV{ID_INPUT_KEYBOARD}==\"1\"") }
        parts.append("ENV{KIOSK_ROLE}=\"\(role)\"")
        return parts.joined(separator: ", ")
    }
}

/// Barcode scanner makers by USB vendor id, and name hints.
public enum ScannerVendors {
    /// USB vendor ids of scanner makers.
    public static let known: [String: String] = [
        "0c2e": "Honeywell (Metrologic)",
        "0536": "Hand Held Products (Honeywell)",
        "05e0": "Zebra (Symbol)",
        "05f9": "Datalogic (PSC)",
        "1eab": "Newland",
        "065a": "Opticon",
    ]

    /// Words in a device name that suggest a scanner.
    public static let nameHints = ["barcode", "bar code", "scanner", "scan", "imager", "qr"]

    /// Why a device looks like a scanner; empty when it does not.
    public static func reasons(name: String, usbName: String?, vendorId: String?) -> [String] {
        var reasons: [String] = []
        for text in [name, usbName ?? ""] where !text.isEmpty {
            let lower = text.lowercased()
            if let hint = nameHints.first(where: { lower.contains($0) }) {
                reasons.append("name contains \"\(hint)\"")
                break
            }
        }
        if let vendorId, let maker = known[vendorId] { reasons.append("USB vendor \(vendorId) is \(maker)") }
        return reasons
    }
}
