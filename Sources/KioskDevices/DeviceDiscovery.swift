#if canImport(Glibc)
    import Glibc
#endif

/// Lists the input devices and serial ports a kiosk has, from sysfs, for `kioskctl devices`:
/// names, USB ids, stable `/dev/.../by-id` links, which look like barcode scanners and why,
/// and the udev rule that gives each a stable `/dev/kiosk-scanner` or `/dev/kiosk-printer` name.
///
/// Reads files only (no device is opened). The roots are parameters so tests can build a
/// fake sysfs and `/dev` tree in a temporary folder.
public struct DeviceDiscovery: Sendable {
    /// Where sysfs is (`/sys`).
    public var sysfsRoot: String
    /// Where device nodes are (`/dev`).
    public var devRoot: String

    /// A discovery over `sysfsRoot` and `devRoot`.
    public init(sysfsRoot: String = "/sys", devRoot: String = "/dev") {
        self.sysfsRoot = sysfsRoot
        self.devRoot = devRoot
    }

    /// The `eventN` input devices, in number order.
    public func inputDevices() -> [InputDeviceInfo] {
        let classFolder = sysfsRoot + "/class/input"
        let links = byIdLinks(in: devRoot + "/input/by-id")
        return SysfsFiles.entries(of: classFolder).filter { $0.hasPrefix("event") }.sorted(by: SysfsFiles.naturalOrder)
            .map { event in
                let device = classFolder + "/" + event + "/device"
                let name = SysfsFiles.text(device + "/name") ?? ""
                var usb = USBAncestor.find(from: device)
                if usb == nil, let vendor = SysfsFiles.text(device + "/id/vendor"),
                    let product = SysfsFiles.text(device + "/id/product"),
                    SysfsFiles.text(device + "/id/bustype") == "0003"
                {
                    usb = USBAncestor(vendorId: vendor, productId: product, manufacturer: nil, product: nil)
                }
                let keys = KeyCapabilities(SysfsFiles.text(device + "/capabilities/key") ?? "")
                let hints = ScannerVendors.reasons(name: name, usbName: usb?.product, vendorId: usb?.vendorId)
                var info = InputDeviceInfo(
                    event: event, devicePath: devRoot + "/input/" + event, name: name, vendorId: usb?.vendorId,
                    productId: usb?.productId, manufacturer: usb?.manufacturer, product: usb?.product,
                    byIdLinks: links[event] ?? [], isKeyboard: keys.isKeyboard,
                    looksLikeScanner: keys.isKeyboard && !hints.isEmpty,
                    reasons: hints, udevRule: nil)
                if keys.isKeyboard {
                    info.reasons.append("keyboard: types letters, digits and Enter")
                } else if !hints.isEmpty {
                    info.reasons.append("but it types no letters, digits and Enter")
                }
                info.udevRule = UdevRule.line(
                    subsystem: "input", kernel: event, vendorId: usb?.vendorId, productId: usb?.productId,
                    role: "scanner")
                return info
            }
    }

    /// USB serial adapters (`ttyUSB*`), CDC-ACM devices (`ttyACM*`) and built-in UARTs
    /// (`ttyS*` only when the kernel found a UART there: its `type` is not 0, PORT_UNKNOWN;
    /// the other ttyS entries are placeholders with no hardware behind them).
    public func serialPorts() -> [SerialPortInfo] {
        let classFolder = sysfsRoot + "/class/tty"
        let links = byIdLinks(in: devRoot + "/serial/by-id")
        return SysfsFiles.entries(of: classFolder).filter { name in
            if name.hasPrefix("ttyUSB") || name.hasPrefix("ttyACM") { return true }
            guard name.hasPrefix("ttyS") else { return false }
            guard let type = SysfsFiles.text(classFolder + "/" + name + "/type") else { return false }
            return type != "0"
        }.sorted(by: SysfsFiles.naturalOrder).map { name in
            let device = classFolder + "/" + name + "/device"
            let usb = USBAncestor.find(from: device)
            let driver = SysfsFiles.linkName(device + "/driver")
            var reasons = ScannerVendors.reasons(name: "", usbName: usb?.product, vendorId: usb?.vendorId)
            let looksLikeScanner = !reasons.isEmpty
            if name.hasPrefix("ttyACM") { reasons.append("CDC-ACM: a scanner in USB serial mode, or a USB printer") }
            return SerialPortInfo(
                name: name, devicePath: devRoot + "/" + name, driver: driver, vendorId: usb?.vendorId,
                productId: usb?.productId,
                manufacturer: usb?.manufacturer, product: usb?.product, byIdLinks: links[name] ?? [],
                looksLikeScanner: looksLikeScanner, reasons: reasons,
                udevRule: UdevRule.line(
                    subsystem: "tty", kernel: name, vendorId: usb?.vendorId, productId: usb?.productId,
                    role: looksLikeScanner ? "scanner" : "printer"))
        }
    }

    /// `by-id` link names by the node they point to (`event3` → [`/dev/input/by-id/usb-…`]).
    private func byIdLinks(in folder: String) -> [String: [String]] {
        var links: [String: [String]] = [:]
        for entry in SysfsFiles.entries(of: folder).sorted() {
            guard let target = SysfsFiles.linkName(folder + "/" + entry) else { continue }
            links[target, default: []].append(folder + "/" + entry)
        }
        return links
    }
}

/// The USB device above a sysfs node: the nearest ancestor folder with `idVendor` and
/// `idProduct`.
struct USBAncestor {
    var vendorId: String
    var productId: String
    var manufacturer: String?
    var product: String?

    static func find(from path: String) -> USBAncestor? {
        guard var folder = SysfsFiles.realPath(path) else { return nil }
        while folder.count > 1 {
            if let vendor = SysfsFiles.text(folder + "/idVendor"), let product = SysfsFiles.text(folder + "/idProduct")
            {
                return USBAncestor(
                    vendorId: vendor.lowercased(), productId: product.lowercased(),
                    manufacturer: SysfsFiles.text(folder + "/manufacturer"),
                    product: SysfsFiles.text(folder + "/product"))
            }
            folder = HotPlugWatch.parent(of: folder)
        }
        return nil
    }
}

/// The `capabilities/key` bitmap of an input device: hex words, most significant first,
/// each `unsigned long` wide.
struct KeyCapabilities {
    private var words: [UInt64] = []

    init(_ text: String) {
        words = text.split(separator: " ").reversed().map { UInt64($0, radix: 16) ?? 0 }
    }

    func has(_ code: UInt16) -> Bool {
        let bits = UInt16(MemoryLayout<UInt>.size * 8)
        let index = Int(code / bits)
        return index < words.count && words[index] & (1 << UInt64(code % bits)) != 0
    }

    /// Letters, digits and Enter: what a keyboard (and a keyboard-wedge scanner) has.
    var isKeyboard: Bool {
        has(KeyCode.enter) && (2...11).allSatisfy { has(UInt16($0)) } && has(30) && has(44)
    }
}

/// Small readers of sysfs files and links.
enum SysfsFiles {
    static func text(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        return String(text.unicodeScalars.filter { $0 != "\n" && $0 != "\r" }.map(Character.init))
            .trimmingSpaces
    }

    static func entries(of folder: String) -> [String] {
        guard let dir = opendir(folder) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The last component of a symbolic link's target (`../event3` → `event3`).
    static func linkName(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return target.split(separator: "/").last.map(String.init)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `event2` before `event10`.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        let (pa, na) = split(a)
        let (pb, nb) = split(b)
        return pa != pb ? pa < pb : na < nb
    }

    private static func split(_ name: String) -> (String, Int) {
        let digits = name.reversed().prefix { $0.isNumber }
        return (String(name.dropLast(digits.count)), Int(String(digits.reversed())) ?? -1)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
