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
