import CKioskShim
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// An open hidraw node (`/dev/hidrawN`, or a FIFO standing in for one in tests).
///
/// Opening, closing and reading are ``DeviceNode``'s; this adds the hidraw ioctls.
final class HIDRawDevice: DeviceNode {
    /// The device's HID report descriptor.
    ///
    /// The corresponding C functions are `ioctl(HIDIOCGRDESCSIZE)` and `ioctl(HIDIOCGRDESC)`.
    func reportDescriptor() throws(SystemError) -> [UInt8] {
        var size: Int32 = 0
        try retryingInterrupts("ioctl(HIDIOCGRDESCSIZE)") {
            kiosk_ioctl_pointer(fileDescriptor, kiosk_HIDIOCGRDESCSIZE(), &size)
        }
        let maximum = kiosk_HID_MAX_DESCRIPTOR_SIZE()
        let length = max(0, min(Int(size), maximum))
        // struct hidraw_report_descriptor: a 32-bit size, then HID_MAX_DESCRIPTOR_SIZE bytes.
        var buffer = [UInt8](repeating: 0, count: MemoryLayout<hidraw_report_descriptor>.size)
        buffer.withUnsafeMutableBytes { $0.storeBytes(of: UInt32(length), as: UInt32.self) }
        let offset = MemoryLayout<hidraw_report_descriptor>.offset(of: \.value) ?? 4
        try retryingInterrupts("ioctl(HIDIOCGRDESC)") {
            buffer.withUnsafeMutableBytes { kiosk_ioctl_pointer(fileDescriptor, kiosk_HIDIOCGRDESC(), $0.baseAddress) }
        }
        return Array(buffer[offset..<(offset + length)])
    }

    /// Name and USB ids.
    ///
    /// The corresponding C functions are `ioctl(HIDIOCGRAWNAME)` and `ioctl(HIDIOCGRAWINFO)`.
    func identity() throws(SystemError) -> ScannerIdentity {
        var info = hidraw_devinfo()
        try retryingInterrupts("ioctl(HIDIOCGRAWINFO)") {
            kiosk_ioctl_pointer(fileDescriptor, kiosk_HIDIOCGRAWINFO(), &info)
        }
        var name = [CChar](repeating: 0, count: 256)
        let named = name.withUnsafeMutableBytes {
            kiosk_ioctl_pointer(fileDescriptor, kiosk_HIDIOCGRAWNAME($0.count - 1), $0.baseAddress)
        }
        let text = named >= 0 ? name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : ""
        return ScannerIdentity(
            name: text, bus: UInt16(truncatingIfNeeded: info.bustype), vendor: UInt16(bitPattern: info.vendor),
            product: UInt16(bitPattern: info.product))
    }

    /// Whether an ioctl error means "this file is not a hidraw node" (a FIFO, a regular file).
    static func meansNotHIDRaw(_ error: SystemError) -> Bool {
        error.code == ENOTTY || error.code == EINVAL
    }
}
