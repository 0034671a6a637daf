import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// What a refused open of the kiosk's printer or scanner means, and what lets the service in:
/// the one place that says it, for the printer's port errors and the scanner's "missing".
///
/// `EACCES` is the node's owner, group and mode refusing this process's user (udev has not
/// given it the group yet — the change wakes the reader — or no rule gives one); `EPERM` is the
/// service's sandbox: systemd's device list (`DevicePolicy=closed` holds only the nodes the
/// links named when the service started) or, for a network printer, its IP filter.
enum DeviceAccessAdvice {
    /// How the service uses the device.
    enum Use {
        /// A printer's or serial scanner's node, opened read-write.
        case readWrite
        /// An evdev or hidraw scanner's node, opened for reading.
        case read
        /// A network printer's address.
        case network
    }

    /// The advice for a call that failed with `code`, nil when the code is not a refusal.
    static func advice(errno code: Int32, use: Use) -> String? {
        switch (code, use) {
        case (EACCES, .read):
            "this process (uid \(getuid())) may not read it: the kiosk package's udev rule gives a scanner's "
                + "node the group input (kioskd.service: SupplementaryGroups=input); see `ls -l` on it and "
                + "`kioskctl config check`"
        case (EACCES, _):
            "this process (uid \(getuid())) may not open it read-write: the udev rules give serial ports to dialout and "
                + "USB printers (/dev/usb/lp*) to lp (kioskd.service: SupplementaryGroups=dialout input lp); see "
                + "`ls -l` on it and `kioskctl config check`"
        case (EPERM, .network):
            "the unit lets kioskd reach loopback only: add the printer's address to IPAddressAllow= with "
                + "`systemctl edit kioskd` (docs/install.md)"
        case (EPERM, _):
            "the service's device list (DeviceAllow=) does not hold this node: it came back under another name "
                + "since kioskd started; run `systemctl restart kioskd`"
        default: nil
        }
    }
}
