#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading configuration files and resolving the paths they name.
enum ConfigFile {
    /// Files larger than this are refused: no configuration file comes near it.
    static let maximumSize = 4 << 20

    /// The bytes of the file at `path`, or a reason a technician can act on.
    static func contents(path: String) -> Result<[UInt8], ValueProblem> {
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return .failure(ValueProblem("cannot open: \(errnoText())")) }
        defer { _ = close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(ValueProblem("cannot stat: \(errnoText())")) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            return .failure(ValueProblem("is a directory; name the file itself"))
        }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ValueProblem("cannot read: \(errnoText())"))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumSize {
                return .failure(ValueProblem("larger than \(maximumSize >> 20) MiB; not a configuration file"))
            }
        }
        return .success(bytes)
    }

    /// `path` when absolute, otherwise relative to the directory of `file`.
    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let slash = file.lastIndex(of: "/") else { return path }
        let directory = file[..<slash]
        return directory.isEmpty ? "/" + path : directory + "/" + path
    }

    /// `path` looked up under `root` (an image's mount point), or `path` itself when no root.
    static func underRoot(_ root: String?, _ path: String) -> String {
        guard let root, !root.isEmpty, root != "/" else { return path }
        var base = root
        while base.hasSuffix("/") { base.removeLast() }
        return path.hasPrefix("/") ? base + path : base + "/" + path
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
