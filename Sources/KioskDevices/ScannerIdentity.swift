/// Who an evdev device says it is (`EVIOCGNAME`, `EVIOCGID`).
public struct ScannerIdentity: Sendable, Equatable, CustomStringConvertible {
    /// The device's name, e.g. `Honeywell Imaging & Mobility 1950g`.
    public var name: String
    /// Bus type (`BUS_USB` is 3).
    public var bus: UInt16
    /// USB vendor id.
    public var vendor: UInt16
    /// USB product id.
    public var product: UInt16

    /// Creates an identity.
    public init(name: String, bus: UInt16, vendor: UInt16, product: UInt16) {
        self.name = name
        self.bus = bus
        self.vendor = vendor
        self.product = product
    }

    /// `0c2e:0b61`.
    public var usbId: String { ScannerIdentity.hex(vendor) + ":" + ScannerIdentity.hex(product) }

    /// `"Honeywell 1950g" (0c2e:0b61)`.
    public var description: String { "\"\(name)\" (\(usbId))" }

    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
