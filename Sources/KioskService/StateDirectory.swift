import KioskConfig
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The service's state directory (`StateDirectory=`), created with mode 0750 when missing.
enum StateDirectory {
    /// Creates the directory and its parents as needed.
    static func prepare(_ path: String) throws(SystemError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o750) != 0 && errno != EEXIST {
                throw SystemError(errno, call: "mkdir(\(current))")
            }
        }
    }
}

extension StateDirectory {
    /// Why this process could not write the state directory, the database, its `-wal` or its
    /// `-shm` (each that exists), worded with the owner and the command that fixes it; nil
    /// when all are writable.
    ///
    /// A `kioskd` run once as root leaves a root-owned database: SQLite then opens it
    /// read-only and every intake fails with "attempt to write a readonly database".
    static func writeProblem(_ layout: StateLayout) -> String? {
        let directory = layout.directory
        let user = userName(geteuid())
        let group = groupName(getegid())
        let fix = "run `chown -R \(user):\(group) \(directory)` (as root), then start kioskd again"
        if access(directory, W_OK | X_OK) != 0 {
            return "state directory \(directory) \(ownership(directory)) is not writable by user \(user); \(fix)"
        }
        for file in [layout.database, layout.database + "-wal", layout.database + "-shm"] {
            guard access(file, F_OK) == 0 else { continue }
            if access(file, R_OK | W_OK) != 0 {
                return "database file \(file) \(ownership(file)) is not writable by user \(user); \(fix)"
            }
        }
        return nil
    }

    /// `(owner root:root, mode 0644)`.
    private static func ownership(_ path: String) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else { return "(\(String(cString: strerror(errno))))" }
        return
            "(owner \(userName(status.st_uid)):\(groupName(status.st_gid)), mode 0\(String(status.st_mode & 0o777, radix: 8)))"
    }

    private static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return String(uid) }
        return String(cString: name)
    }

    private static func groupName(_ gid: gid_t) -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return String(gid) }
        return String(cString: name)
    }
}
