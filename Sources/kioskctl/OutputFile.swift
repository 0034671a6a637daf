import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a file kioskctl was asked to write, with an error a technician can act on (the
/// path, the reason, what to do) instead of Foundation's error domains.
enum OutputFile {
    /// Writes `bytes` to `path` (created or replaced, with `mode`). `what` names the content:
    /// "the catalog sheet (PNG)".
    static func write(_ bytes: [UInt8], to path: String, what: String, mode: mode_t = 0o644) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure(path, what, errno) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure(path, what, errno) }
            offset += n
        }
    }

    private static func failure(_ path: String, _ what: String, _ code: Int32) -> CommandFailure {
        let reason = String(cString: strerror(code))
        let hint: String
        switch code {
        case ENOENT: hint = "the folder does not exist; create it or name another path"
        case EACCES, EPERM, EROFS: hint = "this user may not write there; name a path you can write, e.g. under /tmp"
        case EISDIR: hint = "that is a folder; name a file in it"
        case ENOSPC: hint = "the disk is full"
        default: hint = "name another path"
        }
        return CommandFailure(message: "cannot write \(what) to \(path): \(reason) (\(hint))")
    }
}
