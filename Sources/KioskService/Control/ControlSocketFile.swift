import KioskControl
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The socket file's surroundings: its directory, a stale file left by a crash, its group.
enum ControlSocketFile {
    /// Creates missing parent directories (mode 0750, given to `group` so its members can
    /// reach the socket). An existing directory is left as it is.
    static func prepareDirectory(for path: String, group: String, logger: Logger) throws(ControlServerError) {
        var parents: [String] = []
        var directory = parent(of: path)
        while !directory.isEmpty && directory != "/" && access(directory, F_OK) != 0 {
            parents.append(directory)
            directory = parent(of: directory)
        }
        for missing in parents.reversed() {
            guard mkdir(missing, 0o750) == 0 || errno == EEXIST else {
                throw .system(path, SystemError(errno, call: "mkdir(\(missing))"))
            }
            applyGroup(group, to: missing, logger: logger)
        }
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Removes a socket file nobody listens on (left by a crash). Throws when the path is
    /// not a socket, or when a server answers on it.
    static func removeStale(_ path: String, logger: Logger) throws(ControlServerError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw .system(path, SystemError(errno, call: "lstat"))
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw .notASocket(path) }
        do {
            let fd = try UnixStream.connect(to: path)
            close(fd)
            throw ControlServerError.anotherServer(path)
        } catch let error as SystemError {
            guard error.code == ECONNREFUSED || error.code == ENOENT else { throw .system(path, error) }
        } catch let error as ControlServerError {
            throw error
        } catch {
            throw .system(path, SystemError(EIO, call: "connect"))
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw .system(path, SystemError(errno, call: "unlink(stale socket)"))
        }
        logger.log(.notice, "control socket stale file removed", [("path", path)])
    }

    /// Gives `path` to `group`. A missing group or a refused `chown` (a development machine,
    /// a service user outside the group) is a warning: the socket still works for its owner.
    static func applyGroup(_ group: String, to path: String, logger: Logger) {
        guard let gid = groupID(group) else {
            logger.log(
                .warning, "control socket group missing",
                [("group", group), ("path", path), ("effect", "only kioskd's own user can connect")])
            return
        }
        if chown(path, uid_t.max, gid) != 0 {
            if errno == EINVAL {
                // A user namespace (the unit's PrivateUsers=yes) where the group is not mapped:
                // the socket takes its group from the setgid directory (/run/kiosk) instead.
                logger.log(
                    .info, "control socket group from its directory",
                    [("group", group), ("path", path), ("reason", "group not mapped in this user namespace")])
                return
            }
            let error = SystemError(errno, call: "chown")
            logger.log(
                .warning, "control socket group not set",
                [
                    ("group", group), ("path", path), ("reason", error.reason),
                    ("hint", "add kioskd's user to the group"),
                ])
        }
    }

    /// The group's id, through the re-entrant `getgrnam_r`.
    static func groupID(_ name: String) -> gid_t? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let code = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        guard code == 0, result != nil else { return nil }
        return entry.gr_gid
    }

    /// The file's inode number, to recognise our own socket when removing it.
    static func inode(_ path: String) -> UInt? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return UInt(info.st_ino)
    }
}
