/// A USB printer-class device the kernel's usblp driver serves (`/dev/usb/lp0`), as
/// `kioskctl devices` shows it.
public struct USBLinePrinterInfo: Sendable, Equatable, Encodable {
    /// `lp0`.
    public var name: String
    /// `/dev/usb/lp0`.
    public var devicePath: String
    /// USB vendor id.
    public var vendorId: String?
    /// USB product id.
    public var productId: String?
    /// The USB manufacturer string.
    public var manufacturer: String?
    /// The USB product string.
    public var product: String?
    /// `Device=` for kiosk.conf (the udev link when the rule gave one).
    public var configValue: String
    /// The udev rule that gives it `/dev/kiosk-printer`.
    public var udevRule: String?
}
