import KioskConfig
import KioskStore
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Finds the service's database from `--db`, `--state-dir` or `--config`, and opens it the
/// way a tool may while kioskd is stopped: never created, migrated or moved aside.
enum DatabaseLocation {
    /// `--db FILE`, `--state-dir DIR`, `--config FILE`, as given.
    struct Source {
        var database: String?
        var stateDirectory: String?
        var config: String?
    }

    /// Takes `--db`, `--state-dir` and `--config` from the arguments.
    static func source(_ arguments: inout ArgumentList) throws -> Source {
        Source(
            database: try arguments.option("--db"), stateDirectory: try arguments.option("--state-dir"),
            config: try arguments.option("--config"))
    }

    static func path(_ arguments: inout ArgumentList) throws -> String {
        try path(of: try source(&arguments))
    }

    /// The database file the source names.
    static func path(of source: Source) throws -> String {
        if let db = source.database { return db }
        if let dir = source.stateDirectory { return StateLayout(directory: dir).database }
        let config = source.config ?? KioskConfiguration.defaultPath
        do {
            let configuration = try KioskConfiguration.load(path: config)
            return StateLayout(directory: configuration.kiosk.stateDirectory).database
        } catch {
            throw CommandFailure.configuration(
                "cannot find the database: \(config) has problems (run `kioskctl config check \(config)`)",
                error.diagnostics)
        }
    }

    /// Opens the existing database at the location the arguments give.
    static func open(_ arguments: inout ArgumentList, access: ExistingStoreAccess) throws -> KioskStore {
        try open(path: try path(&arguments), access: access)
    }

    /// Opens the existing database at `path`: read-only for reads, read-write for a change.
    static func open(path: String, access: ExistingStoreAccess) throws -> KioskStore {
        try checkReachable(path, writing: access == .readWrite)
        do {
            return try KioskStore(existing: path, access: access)
        } catch let mismatch as StoreSchemaMismatch {
            throw CommandFailure(message: mismatch.description)
        } catch {
            throw CommandFailure(message: "cannot open \(path): \(error)")
        }
    }

    /// A missing file and a file this user may not read are different problems with
    /// different fixes: say which.
    static func checkReachable(_ path: String, writing: Bool) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT {
                throw CommandFailure(
                    message: "no database at \(path): kioskd has not run with this state directory yet "
                        + "(or use --db FILE / --state-dir DIR)")
            }
            throw permissionFailure(path, code)
        }
        guard access(path, writing ? (R_OK | W_OK) : R_OK) == 0 else { throw permissionFailure(path, errno) }
        if writing {
            let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(
                separator: "/")
            guard access(directory.isEmpty ? "/" : directory, W_OK) == 0 else { throw permissionFailure(path, errno) }
        }
    }

    private static func permissionFailure(_ path: String, _ code: Int32) -> CommandFailure {
        guard code == EACCES || code == EPERM else {
            return CommandFailure(message: "cannot reach the database \(path): \(SystemError(code, call: "stat"))")
        }
        return CommandFailure(
            message: "permission denied: \(path) belongs to kioskd's user and this user may not open it. "
                + "While kioskd runs, kioskctl asks it through the control socket (start kioskd, and be in "
                + "its group, default kiosk-tech); when it is stopped, run kioskctl as root.")
    }
}
