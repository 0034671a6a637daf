import KioskDevices
import KioskSystem

/// `kioskctl devices [--json]`: input devices (which look like barcode scanners, and why) and
/// serial ports, with USB ids, stable by-id links and the udev rule for a stable name.
///
/// Reads sysfs only; works whether kioskd runs or not. `--sysfs DIR` and `--dev DIR` read
/// another tree (a copy from a kiosk, or a test's fake one).
enum DevicesCommand {
    struct Listing: Encodable {
        var inputDevices: [InputDeviceInfo]
        var serialPorts: [SerialPortInfo]
        var usbPrinters: [USBLinePrinterInfo]
    }

    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let discovery = DeviceDiscovery(
            sysfsRoot: try arguments.option("--sysfs") ?? "/sys", devRoot: try arguments.option("--dev") ?? "/dev")
        try arguments.expectEnd()
        let listing = Listing(
            inputDevices: discovery.inputDevices(), serialPorts: discovery.serialPorts(),
            usbPrinters: discovery.usbLinePrinters())
        if json {
            JSONOutput.print(listing)
            return ExitCode.ok
        }
        print("Input devices (\(listing.inputDevices.count)):")
        if listing.inputDevices.isEmpty { print("  none (is /sys mounted? is the scanner plugged in?)") }
        for device in listing.inputDevices {
            let usb = device.vendorId.map { " USB \($0):\(device.productId ?? "?")" } ?? ""
            let verdict = device.looksLikeScanner ? "  <- looks like a barcode scanner" : ""
            print("  \(device.devicePath)  \"\(device.name)\"\(usb)\(verdict)")
            if !device.reasons.isEmpty { print("      why: \(device.reasons.joined(separator: "; "))") }
            for link in device.byIdLinks { print("      by-id: \(link)") }
            if let rule = device.udevRule, device.isKeyboard { print("      udev:  \(rule)") }
        }
        print("")
        print("Serial ports (\(listing.serialPorts.count)):")
        if listing.serialPorts.isEmpty { print("  none") }
        for port in listing.serialPorts {
            let usb = port.vendorId.map { " USB \($0):\(port.productId ?? "?")" } ?? ""
            let name = [port.manufacturer, port.product].compactMap { $0 }.joined(separator: " ")
            let driver = port.driver.map { " driver \($0)" } ?? ""
            let verdict = port.looksLikeScanner ? "  <- looks like a scanner in serial mode" : ""
            print("  \(port.devicePath)\(usb)\(name.isEmpty ? "" : " \"\(name)\"")\(driver)\(verdict)")
            if !port.reasons.isEmpty { print("      why: \(port.reasons.joined(separator: "; "))") }
            for link in port.byIdLinks { print("      by-id: \(link)") }
            if let rule = port.udevRule { print("      udev:  \(rule)") }
        }
        print("")
        print("USB printers, usblp (\(listing.usbPrinters.count)):")
        if listing.usbPrinters.isEmpty { print("  none") }
        for printer in listing.usbPrinters {
            let usb = printer.vendorId.map { " USB \($0):\(printer.productId ?? "?")" } ?? ""
            let name = [printer.manufacturer, printer.product].compactMap { $0 }.joined(separator: " ")
            print("  \(printer.devicePath)\(usb)\(name.isEmpty ? "" : " \"\(name)\"")")
            if let rule = printer.udevRule { print("      udev:  \(rule)") }
        }
        print("")
        print("A stable name: put the device's udev line in /etc/udev/rules.d/70-kiosk.rules, run")
        print("`udevadm control --reload && udevadm trigger`, and set Device=/dev/kiosk-scanner (or")
        print("/dev/kiosk-printer) in kiosk.conf.")
        return ExitCode.ok
    }
}
