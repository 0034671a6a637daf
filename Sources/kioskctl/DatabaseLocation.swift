import KioskConfig
import KioskService
import KioskStore
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Finds the service's database from `--db`, `--state-dir` or `--config`, and opens it.
enum DatabaseLocation {
    static func path(_ arguments: inout ArgumentList) throws -> String {
        if let db = try arguments.option("--db") { return db }
        if let dir = try arguments.option("--state-dir") { return StateLayout(directory: dir).database }
        let config = try arguments.option("--config") ?? "/etc/kiosk/kiosk.conf"
        do {
            let configuration = try KioskConfiguration.load(path: config)
            return StateLayout(directory: configuration.kiosk.stateDirectory).database
        } catch {
            throw CommandFailure(
                message: "cannot find the database: \(config) has problems (run `kioskctl config check \(config)`)\n"
                    + error.diagnostics.map(\.description).joined(separator: "\n"),
                exitCode: ExitCode.configError)
        }
    }

    /// Opens an existing database; never creates one where the service has not run.
    static func open(_ arguments: inout ArgumentList) throws -> KioskStore {
        let path = try path(&arguments)
        guard access(path, F_OK) == 0 else {
            throw CommandFailure(
                message: "no database at \(path): kioskd has not run with this state directory yet "
                    + "(or use --db FILE / --state-dir DIR)")
        }
        do {
            return try KioskStore(path: path)
        } catch {
            throw CommandFailure(message: "cannot open \(path): \(error)")
        }
    }
}
