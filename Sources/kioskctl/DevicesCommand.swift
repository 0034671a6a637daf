import KioskDevices
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskctl devices [--json] [--write-rules [FILE]]`: input devices (which look like barcode
/// scanners, and why) and serial ports, with USB ids, stable by-id links and the udev rule
/// line for /etc/udev/rules.d/60-kiosk-local.rules that gives each its role
/// (`ENV{KIOSK_ROLE}`, read by the shipped 60-kiosk.rules).
///
/// Reads sysfs only; works whether kioskd runs or not. `--sysfs DIR` and `--dev DIR` read
/// another tree (a copy from a kiosk, or a test's fake one).
enum DevicesCommand {
    struct Listing: Encodable {
        var inputDevices: [InputDeviceInfo]
        var serialPorts: [SerialPortInfo]
        var usbPrinters: [USBLinePrinterInfo]
        var hidrawDevices: [HIDRawDeviceInfo] = []
    }

    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let discovery = DeviceDiscovery(
            sysfsRoot: try arguments.option("--sysfs") ?? "/sys", devRoot: try arguments.option("--dev") ?? "/dev")
        var rulesFile: String?
        if let index = arguments.remaining.firstIndex(of: "--write-rules") {
            let next = arguments.remaining.index(after: index)
            let hasFile = next < arguments.remaining.endIndex && !arguments.remaining[next].hasPrefix("--")
            rulesFile = hasFile ? try arguments.option("--write-rules") : UdevRule.localRulesFile
            if !hasFile { _ = arguments.flag("--write-rules") }
        }
        try arguments.expectEnd()
        let listing = Listing(
            inputDevices: discovery.inputDevices(), serialPorts: discovery.serialPorts(),
            usbPrinters: discovery.usbLinePrinters(), hidrawDevices: discovery.hidrawDevices())
        if let rulesFile {
            return try writeRules(listing, to: rulesFile, json: json)
        }
        if json {
            JSONOutput.print(listing)
            return ExitCode.ok
        }
        lines(listing).forEach { print($0) }
        print("")
        print("A device without its /dev/kiosk-printer or /dev/kiosk-scanner link: put its rule line in")
        print("\(UdevRule.localRulesFile) (or run `kioskctl devices --write-rules`), then")
        print("`udevadm control --reload && udevadm trigger`. Keep Device=/dev/kiosk-printer and")
        print("Device=/dev/kiosk-scanner in kiosk.conf.")
        return ExitCode.ok
    }

    /// The listing as text lines.
    static func lines(_ listing: Listing) -> [String] {
        var out: [String] = []
        out.append("Input devices (\(listing.inputDevices.count)):")
        if listing.inputDevices.isEmpty { out.append("  none (is /sys mounted? is the scanner plugged in?)") }
        for device in listing.inputDevices {
            let usb = device.vendorId.map { " USB \($0):\(device.productId ?? "?")" } ?? ""
            let verdict = device.looksLikeScanner ? "  <- looks like a barcode scanner" : ""
            out.append("  \(device.devicePath)  \"\(device.name)\"\(usb)\(verdict)")
            if !device.reasons.isEmpty { out.append("      why: \(device.reasons.joined(separator: "; "))") }
            for link in device.byIdLinks { out.append("      by-id: \(link)") }
            if let rule = device.udevRule, device.isKeyboard { out.append("      rule:  \(rule)") }
        }
        out.append("")
        out.append("Serial ports (\(listing.serialPorts.count)):")
        if listing.serialPorts.isEmpty { out.append("  none") }
        for port in listing.serialPorts {
            let usb = port.vendorId.map { " USB \($0):\(port.productId ?? "?")" } ?? ""
            let name = [port.manufacturer, port.product].compactMap { $0 }.joined(separator: " ")
            let driver = port.driver.map { " driver \($0)" } ?? ""
            let verdict = port.looksLikeScanner ? "  <- looks like a scanner in serial mode" : ""
            out.append("  \(port.devicePath)\(usb)\(name.isEmpty ? "" : " \"\(name)\"")\(driver)\(verdict)")
            if !port.reasons.isEmpty { out.append("      why: \(port.reasons.joined(separator: "; "))") }
            for link in port.byIdLinks { out.append("      by-id: \(link)") }
            if let rule = port.udevRule { out.append("      rule:  \(rule)") }
        }
        out.append("")
        out.append("USB printers, usblp (\(listing.usbPrinters.count)):")
        if listing.usbPrinters.isEmpty { out.append("  none") }
        for printer in listing.usbPrinters {
            let usb = printer.vendorId.map { " USB \($0):\(printer.productId ?? "?")" } ?? ""
            let name = [printer.manufacturer, printer.product].compactMap { $0 }.joined(separator: " ")
            out.append("  \(printer.devicePath)\(usb)\(name.isEmpty ? "" : " \"\(name)\"")")
            if let rule = printer.udevRule { out.append("      rule:  \(rule)") }
        }
        out.append("")
        out.append("HID devices, hidraw (\(listing.hidrawDevices.count)):")
        if listing.hidrawDevices.isEmpty { out.append("  none") }
        for device in listing.hidrawDevices {
            let usb = device.vendorId.map { " USB \($0):\(device.productId ?? "?")" } ?? ""
            let name = device.hidName.map { " \"\($0)\"" } ?? ""
            let verdict = device.speaksHIDPOS ? "  <- HID-POS barcode scanner: [Scanner] Mode=hidpos" : ""
            out.append("  \(device.devicePath)\(usb)\(name)\(verdict)")
            if let why = device.verdict, device.vendorId.map({ ScannerVendors.known[$0] != nil }) == true {
                out.append("      why not: \(why)")
            }
            if let rule = device.udevRule { out.append("      rule:  \(rule)") }
        }
        return out
    }

    /// The lines `--write-rules` writes: every input device that looks like a scanner and
    /// types (its keyboard node), every serial port that looks like a scanner, and the USB
    /// serial ports that do not (the printer), and USB printer-class printers. Built-in UARTs (`ttyS*`) are left out: most
    /// machines have some with nothing attached; write their line by hand.
    static func rules(for listing: Listing) -> [String] {
        var lines: [String] = []
        for device in listing.inputDevices where device.looksLikeScanner && device.isKeyboard {
            if let rule = device.udevRule { lines.append(rule) }
        }
        for port in listing.serialPorts where port.looksLikeScanner || port.vendorId != nil {
            if let rule = port.udevRule { lines.append(rule) }
        }
        for printer in listing.usbPrinters {
            if let rule = printer.udevRule { lines.append(rule) }
        }
        for device in listing.hidrawDevices where device.speaksHIDPOS {
            if let rule = device.udevRule { lines.append(rule) }
        }
        var seen = Set<String>()
        return lines.filter { seen.insert($0).inserted }
    }

    /// Adds the rules to `file`, keeping every line already there.
    static func writeRules(_ listing: Listing, to file: String, json: Bool) throws -> Int32 {
        let rules = rules(for: listing)
        guard !rules.isEmpty else {
            throw CommandFailure(
                message: "no scanner-like input device or USB serial port found: nothing to write "
                    + "(plug the devices in; `kioskctl devices` shows what is there)")
        }
        var existing: [String] = []
        if let handle = fopen(file, "r") {
            var text: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = fread(&buffer, 1, buffer.count, handle)
                if n <= 0 { break }
                text += buffer[0..<n]
            }
            fclose(handle)
            existing = String(decoding: text, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .map(String.init)
            while existing.last == "" { existing.removeLast() }
        }
        let added = rules.filter { !existing.contains($0) }
        var lines = existing
        if lines.isEmpty {
            lines = [
                "# Roles for the kiosk's devices, read by /lib/udev/rules.d/60-kiosk.rules, which makes",
                "# /dev/kiosk-printer and /dev/kiosk-scanner from ENV{KIOSK_ROLE}. Written by",
                "# `kioskctl devices --write-rules`; edit freely.",
            ]
        }
        lines += added
        try OutputFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: file, what: "the udev rules")
        if json {
            JSONOutput.print([
                "file": file, "added": "\(added.count)", "apply": "udevadm control --reload && udevadm trigger",
            ])
        } else {
            print("\(file): \(added.count) rule line(s) added, \(rules.count - added.count) already there")
            added.forEach { print("  \($0)") }
            print("Apply them now: udevadm control --reload && udevadm trigger")
            print("then check: ls -l /dev/kiosk-printer /dev/kiosk-scanner")
        }
        return ExitCode.ok
    }
}
