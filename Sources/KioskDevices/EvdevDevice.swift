import CKioskShim
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// An open evdev node (`/dev/input/eventN`, or a FIFO standing in for one in tests).
///
/// Opening, closing and reading are ``DeviceNode``'s; this adds the evdev ioctls.
final class EvdevDevice: DeviceNode {
    /// Name and USB ids, or the error when this is not an evdev node.
    ///
    /// The corresponding C functions are `ioctl(EVIOCGNAME)` and `ioctl(EVIOCGID)`.
    func identity() throws(SystemError) -> ScannerIdentity {
        var name = [CChar](repeating: 0, count: 256)
        try retryingInterrupts("ioctl(EVIOCGNAME)") {
            name.withUnsafeMutableBytes {
                kiosk_ioctl_pointer(fileDescriptor, kiosk_EVIOCGNAME($0.count - 1), $0.baseAddress)
            }
        }
        var id = input_id()
        try retryingInterrupts("ioctl(EVIOCGID)") { kiosk_ioctl_pointer(fileDescriptor, kiosk_EVIOCGID(), &id) }
        let text = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return ScannerIdentity(name: text, bus: id.bustype, vendor: id.vendor, product: id.product)
    }

    /// Whether any key is held down now (`EVIOCGKEY` bitmap).
    ///
    /// The corresponding C function is `ioctl(EVIOCGKEY)`.
    func anyKeyHeld() throws(SystemError) -> Bool {
        var bits = [UInt8](repeating: 0, count: Int(KEY_MAX) / 8 + 1)
        try retryingInterrupts("ioctl(EVIOCGKEY)") {
            bits.withUnsafeMutableBytes {
                kiosk_ioctl_pointer(fileDescriptor, kiosk_EVIOCGKEY($0.count), $0.baseAddress)
            }
        }
        return bits.contains { $0 != 0 }
    }

    /// Asks the kernel to stamp this descriptor's events with `CLOCK_MONOTONIC` (the scan
    /// gap is judged by those stamps); best effort, the wall clock is the kernel's default.
    ///
    /// The corresponding C function is `ioctl(EVIOCSCLOCKID)`.
    func useMonotonicEventTimes() {
        var clock = CLOCK_MONOTONIC
        _ = kiosk_ioctl_pointer(fileDescriptor, kiosk_EVIOCSCLOCKID(), &clock)
    }

    /// Takes the device for this process alone, so scans never reach a console.
    ///
    /// The corresponding C function is `ioctl(EVIOCGRAB)`.
    func grab() throws(SystemError) {
        try retryingInterrupts("ioctl(EVIOCGRAB)") { kiosk_ioctl_int(fileDescriptor, kiosk_EVIOCGRAB(), 1) }
    }

    /// Whether an ioctl error means "this file is not an evdev node" (a FIFO, a regular file).
    static func meansNotEvdev(_ error: SystemError) -> Bool {
        error.code == ENOTTY || error.code == EINVAL
    }
}
