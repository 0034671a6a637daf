#if canImport(Glibc)
    import Glibc
#endif

/// What kioskd will meet when it runs as its user, beyond the file's syntax: the state
/// directory, the central key, the control socket and the devices. Judged for the
/// ``ServiceAccount`` (User= of the unit), not for whoever runs the check.
///
/// Values are read from the file as written (defaults where absent), so these facts are
/// reported even when other keys are bad: one pass shows every problem.
public enum RunTimeCheck {
    /// The errors (kioskd would fail, or would fail a technician) and the warnings (a device
    /// that is not plugged in now).
    public static func check(file: String, bytes: [UInt8], account: ServiceAccount) -> (
        errors: [ConfigDiagnostic], warnings: [ConfigDiagnostic]
    ) {
        var run = Run(
            file: file, document: INIDocument(source: SourceText(bytes: bytes, file: file), file: file),
            account: account, identity: account.identity())
        if run.identity == nil {
            run.warnings.append(
                ConfigDiagnostic(
                    file: file, line: 0,
                    message: "user \(account.user) (User= of \(account.unitFile ?? "the packaged kioskd.service")) "
                        + "does not exist on this machine, so what it may read and write was not checked "
                        + "(the package creates it)"))
        }
        run.stateDirectory()
        run.keyFile()
        run.controlSocket()
        run.device(section: "Printer", defaultPath: "/dev/kiosk-printer", write: true)
        run.device(
            section: "Scanner", defaultPath: "/dev/kiosk-scanner", write: run.text("Scanner", "Mode") == "serial")
        return (run.errors, run.warnings)
    }

    private struct Run {
        let file: String
        let document: INIDocument
        let account: ServiceAccount
        let identity: ServiceAccount.Identity?
        var errors: [ConfigDiagnostic] = []
        var warnings: [ConfigDiagnostic] = []

        func text(_ section: String, _ key: String) -> String? {
            document.section(section)?.entry(key)?.value
        }

        /// The setting as written, or its default; relative paths against the file's folder.
        func setting(_ section: String, _ key: String, default value: String) -> Setting {
            let entry = document.section(section)?.entry(key)
            let written = entry.flatMap { $0.value.isEmpty ? nil : $0.value } ?? value
            return Setting(
                section: section, key: key, value: written, path: ConfigFile.resolve(written, relativeTo: file),
                line: entry?.line, isDefault: entry == nil)
        }

        struct Setting {
            var section: String
            var key: String
            var value: String
            var path: String
            var line: Int?
            var isDefault: Bool
        }

        mutating func report(_ setting: Setting, _ message: String, warning: Bool = false) {
            let diagnostic = ConfigDiagnostic(
                file: file, line: setting.line ?? 0, section: setting.section, key: setting.key, value: setting.value,
                message: message + (setting.isDefault ? " (the default; set \(setting.key)= to change it)" : ""))
            if warning { warnings.append(diagnostic) } else { errors.append(diagnostic) }
        }

        var who: String {
            "kioskd's user \(account.user) (groups "
                + ([account.group] + account.supplementaryGroups).joined(separator: ", ") + ")"
        }

        static func describe(_ info: stat) -> String {
            let owner = getpwuid(info.st_uid).flatMap { $0.pointee.pw_name.map { String(cString: $0) } }
            let group = getgrgid(info.st_gid).flatMap { $0.pointee.gr_name.map { String(cString: $0) } }
            return "owner \(owner ?? String(info.st_uid)):\(group ?? String(info.st_gid)), mode "
                + octal(info.st_mode & 0o7777)
        }

        static func octal(_ mode: mode_t) -> String {
            let digits = String(mode, radix: 8)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }

        mutating func stateDirectory() {
            let setting = setting("Kiosk", "StateDirectory", default: KioskConfiguration.Kiosk.defaultStateDirectory)
            let path = setting.path
            let managed = account.stateDirectories.contains(path)
            if account.unitFile != nil, account.protectsSystem,
                !(account.stateDirectories + account.writablePaths).contains(where: {
                    path == $0 || path.hasPrefix($0 + "/")
                })
            {
                report(
                    setting,
                    "\(account.unitFile ?? "kioskd.service") has ProtectSystem=strict, so this folder is read-only "
                        + "for kioskd; use /var/lib/kiosk, or add ReadWritePaths=\(path) with `systemctl edit kioskd`")
            }
            var info = stat()
            if stat(path, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    report(setting, "is not a directory")
                    return
                }
                guard let identity else { return }
                if let blocked = identity.blockingAncestor(of: path) {
                    report(setting, "\(who) cannot reach it: it may not enter \(blocked)")
                } else if !identity.may(3, info) {
                    report(
                        setting,
                        "\(who) cannot write in it (\(Self.describe(info))); run `chown \(account.user):\(account.group) "
                            + "\(path) && chmod 0750 \(path)`")
                }
                return
            }
            guard errno == ENOENT else {
                report(setting, "cannot be examined: \(String(cString: strerror(errno)))")
                return
            }
            if managed { return }  // systemd's StateDirectory= makes it at start
            var ancestor = path
            repeat {
                ancestor = ancestor.lastIndex(of: "/").map { String(ancestor[..<$0]) } ?? ""
                if ancestor.isEmpty { ancestor = "/" }
            } while stat(ancestor, &info) != 0 && ancestor != "/"
            guard let identity else { return }
            if identity.blockingAncestor(of: ancestor + "/x") != nil || !identity.may(3, info) {
                report(
                    setting,
                    "does not exist, and \(who) cannot create it in \(ancestor) (\(Self.describe(info))); run "
                        + "`install -d -o \(account.user) -g \(account.group) -m 0750 \(path)`")
            }
        }

        mutating func keyFile() {
            guard let url = text("Central", "URL"), !url.isEmpty else { return }  // forwarding off: no key read
            let setting = setting("Central", "KeyFile", default: "/etc/kiosk/central.key")
            var info = stat()
            guard stat(setting.path, &info) == 0 else {
                report(
                    setting,
                    "the key file is not there (\(String(cString: strerror(errno)))); put the key the central server gave this kiosk there"
                )
                return
            }
            let mode = info.st_mode & 0o777
            let serviceGroup = getgrnam(account.group)?.pointee.gr_gid
            if mode & 0o007 != 0 {
                report(
                    setting,
                    "the key is readable or writable by every user (\(Self.describe(info))); run `chown root:\(account.group) "
                        + "\(setting.path) && chmod 0640 \(setting.path)`")
            } else if mode & 0o020 != 0 {
                report(
                    setting,
                    "the key is writable by its group (\(Self.describe(info))); run `chmod 0640 \(setting.path)`")
            } else if mode & 0o040 != 0, info.st_gid != serviceGroup {
                report(
                    setting,
                    "the key is readable by a group that is not kioskd's group \(account.group) (\(Self.describe(info))); "
                        + "run `chgrp \(account.group) \(setting.path)`, or `chmod 0600` with owner \(account.user)")
            }
            guard let identity else { return }
            if let blocked = identity.blockingAncestor(of: setting.path) {
                report(setting, "\(who) cannot reach the key: it may not enter \(blocked)")
            } else if !identity.may(4, info) {
                report(
                    setting,
                    "\(who) cannot read the key (\(Self.describe(info))); run `chown root:\(account.group) \(setting.path) "
                        + "&& chmod 0640 \(setting.path)`")
            }
        }

        mutating func controlSocket() {
            let socket = setting("Control", "Socket", default: KioskConfiguration.Control().socket)
            let length = Array(socket.path.utf8).count
            if length > 107 {
                report(
                    socket,
                    "the path is \(length) bytes; a Unix socket path holds at most 107: use a shorter one, e.g. "
                        + "/run/kiosk/control.sock")
            }
            let group = setting("Control", "Group", default: KioskConfiguration.Control().group)
            if getgrnam(group.value) == nil {
                report(
                    group,
                    "group \(group.value) does not exist, so technicians cannot be given the socket; run "
                        + "`groupadd --system \(group.value)`, then `adduser NAME \(group.value)` for each technician")
            }
        }

        mutating func device(section: String, defaultPath: String, write: Bool) {
            let setting = setting(section, "Device", default: defaultPath)
            var info = stat()
            guard stat(setting.path, &info) == 0 else {
                let reason = errno
                report(
                    setting,
                    reason == ENOENT
                        ? "not there now: plug it in (`kioskctl devices` lists what is connected and the udev rule "
                            + "that makes \(defaultPath))"
                        : "cannot be examined: \(String(cString: strerror(reason)))", warning: reason == ENOENT)
                return
            }
            let type = info.st_mode & S_IFMT
            if type == S_IFDIR || type == S_IFREG {
                report(setting, "is a \(type == S_IFDIR ? "directory" : "regular file"), not a device")
                return
            }
            guard let identity else { return }
            let needed: mode_t = write ? 6 : 4
            if let blocked = identity.blockingAncestor(of: setting.path) {
                report(setting, "\(who) cannot reach it: it may not enter \(blocked)")
            } else if !identity.may(needed, info) {
                report(
                    setting,
                    "\(who) cannot open it \(write ? "read-write" : "for reading") (\(Self.describe(info))); the udev "
                        + "rules give serial ports to dialout, input devices and HID-POS scanners' hidraw nodes to input, "
                        + "and USB-class printers (/dev/usb/lp*) to lp")
            }
        }
    }
}
