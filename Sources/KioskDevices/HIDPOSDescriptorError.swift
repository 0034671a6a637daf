/// Why a HID report descriptor cannot be read as a HID-POS bar code scanner's.
///
/// Each description names what was found and what to do: a keyboard-wedge scanner is a
/// scanner in the wrong mode (its manual has a "USB HID-POS" programming bar code), not a
/// fault of the kiosk.
public struct HIDPOSDescriptorError: Error, Sendable, Equatable, CustomStringConvertible {
    private enum Code: Sendable, Equatable {
        case malformed(offset: Int, reason: String)
        case notBarcodeScanner(applications: [UInt32])
        case noScannedData
        case unusableDecodedData(reason: String)
    }

    private let code: Code

    /// The descriptor's bytes end or nest wrongly at `offset`.
    static func malformed(offset: Int, _ reason: String) -> HIDPOSDescriptorError {
        HIDPOSDescriptorError(code: .malformed(offset: offset, reason: reason))
    }

    /// No application collection on the Bar Code Scanner page; `applications` are the ones found.
    static func notBarcodeScanner(applications: [UInt32]) -> HIDPOSDescriptorError {
        HIDPOSDescriptorError(code: .notBarcodeScanner(applications: applications))
    }

    /// A Bar Code Scanner collection with no Decoded Data input field.
    static let noScannedData = HIDPOSDescriptorError(code: .noScannedData)

    /// A Decoded Data field the reader cannot take bytes from.
    static func unusableDecodedData(_ reason: String) -> HIDPOSDescriptorError {
        HIDPOSDescriptorError(code: .unusableDecodedData(reason: reason))
    }

    /// Whether the device is simply not a HID-POS scanner (a keyboard, a mouse, a scanner in
    /// keyboard mode), as opposed to a damaged descriptor.
    public var isNotBarcodeScanner: Bool {
        if case .notBarcodeScanner = code { return true }
        return false
    }

    /// For the technician: what the descriptor is and what to do.
    public var description: String {
        switch code {
        case .malformed(let offset, let reason):
            return "report descriptor is damaged at byte \(offset): \(reason); unplug and replug the scanner"
        case .notBarcodeScanner(let applications):
            let found =
                applications.isEmpty
                ? "no application collection" : applications.map(HIDUsageName.describe).joined(separator: ", ")
            return "not a HID-POS scanner (no Bar Code Scanner page 0x8C collection; it is: \(found)); "
                + "scan the \"USB HID-POS\" programming bar code of the scanner's manual, or use Mode=evdev"
        case .noScannedData:
            return "the Bar Code Scanner collection has no Decoded Data input (usage 0x8C:0xFE); "
                + "this scanner cannot send scans in HID-POS mode: use Mode=evdev"
        case .unusableDecodedData(let reason):
            return "the Decoded Data input (usage 0x8C:0xFE) \(reason); use Mode=evdev with this scanner"
        }
    }
}

/// Names of the HID usages a technician meets when a device is not a HID-POS scanner.
enum HIDUsageName {
    /// `Generic Desktop Keyboard (0x01:0x06)`.
    static func describe(_ usage: UInt32) -> String {
        let page = UInt16(usage >> 16)
        let id = UInt16(usage & 0xFFFF)
        let known: String? =
            switch (page, id) {
            case (0x01, 0x02): "Generic Desktop Mouse"
            case (0x01, 0x06): "Generic Desktop Keyboard"
            case (0x01, 0x07): "Generic Desktop Keypad"
            case (0x0C, 0x01): "Consumer Control"
            case (0x8C, 0x02): "Bar Code Scanner"
            default: page >= 0xFF00 ? "vendor-defined" : nil
            }
        let number = "0x" + hex(page) + ":0x" + hex(id)
        return known.map { "\($0) (\(number))" } ?? number
    }

    private static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count < 2 ? "0" + digits : digits
    }
}
