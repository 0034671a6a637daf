import Foundation
import KioskStore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// kioskd run once as root leaves a root-owned database; the service user then cannot write
/// it. kioskd refuses to start (exit 73, EX_CANTCREAT) and says whose the file is and the
/// `chown` that fixes it, instead of starting "ok" and refusing every intake with "attempt to
/// write a readonly database".
@Suite(.enabled(if: geteuid() == 0, "needs root to make a root-owned database and run kioskd as nobody"))
struct StateOwnershipTests {
    static let nobody: uid_t = 65534

    @Test func aDatabaseTheServiceUserCannotWriteStopsTheStartWithTheFix() async throws {
        let kioskd = try KioskdProcess()
        let state = kioskd.directory.path + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        // As root (this test process): the database, as a first run as root leaves it.
        let store = try KioskStore(path: kioskd.databasePath)
        await store.close()
        chmod(kioskd.databasePath, 0o644)
        // The directory and the files kioskd reads belong to the service user (nobody here).
        for path in [kioskd.directory.path, state, kioskd.directory.path + "/central.key"] {
            #expect(chown(path, Self.nobody, gid_t(Self.nobody)) == 0)
        }
        chmod(kioskd.directory.path, 0o755)
        try kioskd.start(launcher: [
            "/usr/bin/setpriv", "--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups",
        ])
        let status = await kioskd.waitForExit(timeout: .seconds(60))
        await kioskd.stop()
        #expect(status == 73, "kioskd did not refuse to start: \(kioskd.log.suffix(5))")
        let line = kioskd.log.first { $0.contains("not writable") } ?? ""
        #expect(line.hasPrefix("<3>"))
        #expect(line.contains(kioskd.databasePath))
        #expect(line.contains("owner root:root"))
        #expect(line.contains("chown -R nobody:nogroup \(state)"))
    }
}
