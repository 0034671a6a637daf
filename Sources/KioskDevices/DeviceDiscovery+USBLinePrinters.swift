extension DeviceDiscovery {
    /// USB printer-class devices (usblp registers them in the `usbmisc` class as `lpN`), in
    /// number order, with the USB ids of the device above them.
    public func usbLinePrinters() -> [USBLinePrinterInfo] {
        let classFolder = sysfsRoot + "/class/usbmisc"
        return SysfsFiles.entries(of: classFolder).filter { $0.hasPrefix("lp") }.sorted(by: SysfsFiles.naturalOrder)
            .map { name in
                let usb = USBAncestor.find(from: classFolder + "/" + name + "/device")
                return USBLinePrinterInfo(
                    name: name, devicePath: devRoot + "/usb/" + name, vendorId: usb?.vendorId,
                    productId: usb?.productId,
                    manufacturer: usb?.manufacturer, product: usb?.product, configValue: "/dev/kiosk-printer",
                    udevRule: UdevRule.line(
                        subsystem: "usbmisc", kernel: name, vendorId: usb?.vendorId, productId: usb?.productId,
                        role: "printer"))
            }
    }
}
