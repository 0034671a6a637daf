/// A hidraw node (`/dev/hidraw0`) as `kioskctl devices` shows it: whether its report
/// descriptor is a HID-POS bar code scanner's (usage page 0x8C), and if not, what it is.
public struct HIDRawDeviceInfo: Sendable, Equatable, Encodable {
    /// `hidraw0`.
    public var name: String
    /// `/dev/hidraw0`.
    public var devicePath: String
    /// The HID device's name (`HID_NAME` of its uevent).
    public var hidName: String?
    /// USB vendor id.
    public var vendorId: String?
    /// USB product id.
    public var productId: String?
    /// Whether the report descriptor describes a HID-POS bar code scanner: `[Scanner]
    /// Mode=hidpos` reads it.
    public var speaksHIDPOS: Bool
    /// Why not (the descriptor's verdict), or nil when it does; "no report descriptor" when
    /// sysfs has none.
    public var verdict: String?
    /// The udev rule line that gives it `/dev/kiosk-scanner` (HID-POS scanners only).
    public var udevRule: String?
}
