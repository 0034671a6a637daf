#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a database file's permissions could not be set.
public struct DatabaseFileModeError: Error, Sendable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// The failing call and its errno text.
    public var reason: String

    /// `database /var/lib/kiosk/kiosk.db: open(O_CREAT): Permission denied`.
    public var description: String { "database \(path): \(reason)" }
}

/// Sets the permissions of a database and its `-wal` and `-shm` before SQLite opens it,
/// whatever the process's umask: SQLite creates a new database with 0644 & ~umask, and gives
/// `-wal` and `-shm` the database file's mode. So the database file is created here, empty
/// (SQLite takes an empty file as a new database), with `mode` exactly; the two others
/// follow it. Files already there with more permission than `mode` are narrowed to it.
public enum DatabaseFileMode {
    /// Creates `path` with `mode` when missing; narrows it, `-wal` and `-shm` to `mode` when
    /// they allow more. Paths SQLite does not treat as files (`:memory:`, `file:` URIs, "")
    /// are left alone.
    public static func apply(_ mode: mode_t, toDatabaseAt path: String) throws(DatabaseFileModeError) {
        guard !path.isEmpty, path != ":memory:", !path.hasPrefix("file:") else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        if fd >= 0 {
            // The umask may have taken bits away (or a umask of 0 added none): set it exactly.
            let changed = fchmod(fd, mode)
            let error = errno
            close(fd)
            guard changed == 0 else { throw DatabaseFileModeError(path: path, reason: "fchmod: \(text(error))") }
        } else if errno != EEXIST {
            // A missing directory, no permission: SQLite's open fails the same way and reports
            // it with its own result code, which callers tell apart (cannotOpen, readOnly).
            return
        }
        for file in [path, path + "-wal", path + "-shm"] {
            var status = stat()
            guard lstat(file, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
            let current = status.st_mode & 0o777
            // Only ever narrowed; a file of another owner that we cannot change is left to the
            // writability check that names its owner.
            if current & ~mode != 0 { _ = chmod(file, current & mode) }
        }
    }

    private static func text(_ number: Int32) -> String { String(cString: strerror(number)) }
}
