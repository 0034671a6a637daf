#if canImport(Glibc)
    import Glibc
#endif

extension DeviceDiscovery {
    /// hidraw nodes in number order, each with whether its report descriptor (sysfs
    /// `/sys/class/hidraw/hidrawN/device/report_descriptor`, readable without opening the
    /// device) is a HID-POS bar code scanner's.
    public func hidrawDevices() -> [HIDRawDeviceInfo] {
        let classFolder = sysfsRoot + "/class/hidraw"
        return SysfsFiles.entries(of: classFolder).filter { $0.hasPrefix("hidraw") }.sorted(by: SysfsFiles.naturalOrder)
            .map { name in
                let device = classFolder + "/" + name + "/device"
                let usb = USBAncestor.find(from: device)
                let hidName = Self.ueventValue("HID_NAME", device)
                // Not on USB (Bluetooth, uhid): the ids from HID_ID=BUS:VENDOR:PRODUCT.
                let hidID = Self.ueventValue("HID_ID", device)?.split(separator: ":").map {
                    String($0.suffix(4)).lowercased()
                }
                let vendorId = usb?.vendorId ?? hidID.flatMap { $0.count == 3 ? $0[1] : nil }
                let productId = usb?.productId ?? hidID.flatMap { $0.count == 3 ? $0[2] : nil }
                var verdict: String? = "no report descriptor in sysfs"
                if let bytes = SysfsFiles.bytes(device + "/report_descriptor") {
                    do throws(HIDPOSDescriptorError) {
                        _ = try HIDPOSDescriptor(parsing: bytes)
                        verdict = nil
                    } catch {
                        verdict = error.description
                    }
                }
                let speaks = verdict == nil
                return HIDRawDeviceInfo(
                    name: name, devicePath: devRoot + "/" + name, hidName: hidName, vendorId: vendorId,
                    productId: productId, speaksHIDPOS: speaks, verdict: verdict,
                    udevRule: speaks
                        ? UdevRule.line(
                            subsystem: "hidraw", kernel: name, vendorId: usb?.vendorId, productId: usb?.productId,
                            role: "scanner") : nil)
            }
    }

    /// A `KEY=value` line of a sysfs uevent file.
    static func ueventValue(_ key: String, _ device: String) -> String? {
        guard let bytes = SysfsFiles.bytes(device + "/uevent") else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix(key + "=") {
            return String(line.dropFirst(key.count + 1))
        }
        return nil
    }
}

extension SysfsFiles {
    /// A small file's bytes (a report descriptor is at most 4096 bytes); nil if unreadable.
    static func bytes(_ path: String, limit: Int = 65_536) -> [UInt8]? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while result.count < limit {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n <= 0 { break }
            result += buffer[0..<n]
        }
        return result
    }
}
