#if canImport(Glibc)
    import Glibc
#endif

/// kioskctl's own record of a change it made without the service: a line in the system log
/// (journald reads it from /dev/log as `kioskctl`), with who made it.
enum SystemLog {
    /// Whether a system log listens (`/dev/log`, journald's or a syslog daemon's socket).
    static var isAvailable: Bool { access("/dev/log", W_OK) == 0 }

    /// Writes `message` with priority notice, followed by the user that ran kioskctl.
    static func notice(_ message: String) {
        let line = "\(message) user=\(userName) uid=\(getuid())"
        line.withCString { text in
            "%s".withCString { format in
                withVaList([text]) { vsyslog(LOG_USER | LOG_NOTICE, format, $0) }
            }
        }
    }

    /// The login name of the real user (and of the user behind sudo).
    static var userName: String {
        var name = "uid-\(getuid())"
        if let entry = getpwuid(getuid()), let login = entry.pointee.pw_name { name = String(cString: login) }
        if let sudo = getenv("SUDO_USER") { name += " sudo_user=\(String(cString: sudo))" }
        return name
    }
}
