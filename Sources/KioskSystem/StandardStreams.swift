#if canImport(Glibc)
    import Glibc
#endif

/// Unbuffered writes to the standard streams.
public enum FileHandleOutput {
    /// Writes text to stderr at once.
    public static func standardError(_ text: String) { write(fd: 2, text) }
    /// Writes text to stdout at once.
    public static func standardOutput(_ text: String) { write(fd: 1, text) }

    private static func write(fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
        }
    }
}
