#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The rule every secret file is held to before it is read (the central HMAC key, a client
/// TLS key): no access for others, no write for the group, and group read only when the group
/// is the reading process's own (the package's `root:kiosk 0640`, which only the `kiosk`
/// user is in). Checked on the open descriptor, so the file checked is the file read.
///
/// kioskd, `kioskctl config check` and kiosk-central all load keys through this check.
public enum KeyFilePermissions {
    /// Throws a ``KeyError`` naming the file, its mode and the `chmod` that fixes it when the
    /// open file `descriptor` (at `path`) can be read or written by users other than its
    /// owner and the reading group: `readerGroup` when given (`kioskctl config check` judges
    /// for the service's group, not for the root shell it runs in), else the process's own.
    public static func check(descriptor: Int32, path: String, readerGroup: gid_t? = nil) throws(KeyError) {
        let reader = readerGroup ?? getegid()
        let whose = readerGroup == nil ? "this process's group" : "the service's group"
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw KeyError(path: path, reason: "cannot stat: \(String(cString: strerror(errno)))")
        }
        let mode = UInt32(status.st_mode) & 0o777
        let octal = "0" + String(mode, radix: 8)
        if mode & 0o007 != 0 {
            throw KeyError(
                path: path,
                reason:
                    "mode \(octal) lets every user on this machine read or change the secret; run `chmod 600 \(path)` (or `chmod 640 \(path)` with the service's group, as the package sets it)"
            )
        }
        if mode & 0o020 != 0 {
            throw KeyError(
                path: path,
                reason:
                    "mode \(octal) lets group \(groupName(status.st_gid)) change the secret; run `chmod 640 \(path)`")
        }
        if mode & 0o040 != 0 && status.st_gid != reader {
            throw KeyError(
                path: path,
                reason:
                    "mode \(octal) lets group \(groupName(status.st_gid)) read the secret, and that is not \(whose) (\(groupName(reader))); run `chmod 600 \(path)`, or `chgrp \(groupName(reader)) \(path)` to keep 0640"
            )
        }
    }

    /// Opens `path` read-only and checks it (for `readerGroup`, see
    /// ``check(descriptor:path:readerGroup:)``); the caller closes the returned descriptor.
    public static func openChecked(_ path: String, readerGroup: gid_t? = nil) throws(KeyError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw KeyError(path: path, reason: "cannot open: \(String(cString: strerror(errno)))")
        }
        do {
            try check(descriptor: fd, path: path, readerGroup: readerGroup)
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// The group's name, or its number when it has none.
    private static func groupName(_ gid: gid_t) -> String {
        guard let entry = getgrgid(gid), let name = entry.pointee.gr_name else { return String(gid) }
        return String(cString: name)
    }
}
