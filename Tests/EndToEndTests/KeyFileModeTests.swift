import Foundation
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A key file others can read is refused by every program that loads one, with the file and
/// the `chmod` that fixes it: kioskd (exit 78, before touching any device), `kioskctl config
/// check`, and kiosk-central (exit 78). Before, a mode-0666 `central.key` was used by all three
/// without a word.
@Suite struct KeyFileModeTests {
    @Test func kioskdRefusesAKeyOthersCanReadAndNamesTheFix() async throws {
        let kioskd = try KioskdProcess()
        let key = kioskd.directory.path + "/central.key"
        chmod(key, 0o644)
        try kioskd.start()
        let status = await kioskd.waitForExit(timeout: .seconds(60))
        await kioskd.stop()
        #expect(status == 78)
        let line = kioskd.log.first { $0.contains(key) } ?? ""
        #expect(line.hasPrefix("<3>config:"), "\(kioskd.log)")
        #expect(line.contains("mode 0644"))
        #expect(line.contains("chmod 600 \(key)"))
    }

    @Test func configCheckReportsIt() async throws {
        let kioskd = try KioskdProcess()
        let key = kioskd.directory.path + "/central.key"
        chmod(key, 0o604)
        let outcome = try await run(BuiltProducts.path("kioskctl"), ["config", "check", kioskd.configPath])
        await kioskd.stop()
        #expect(outcome.status == 78)
        // The fix named for the service's user: `chmod 600 KEY`, or the package's
        // `chown root:kiosk KEY && chmod 0640 KEY`.
        let said = outcome.output + outcome.errors
        #expect(said.contains("chmod 600 \(key)") || said.contains("chmod 0640 \(key)"), "\(said)")
    }

    @Test func kioskCentralRefusesIt() async throws {
        let directory = try TemporaryDirectory()
        let key = directory.path + "/yb01.key"
        try Data("central-mode-key-0123456789abcdef-0123".utf8).write(to: URL(fileURLWithPath: key))
        chmod(key, 0o666)
        let outcome = try await run(
            BuiltProducts.path("kiosk-central"),
            ["serve", "--db", directory.path + "/c.db", "--kiosk", "YB-X-01=\(key)", "--listen", "127.0.0.1:0"])
        #expect(outcome.status == 78)
        #expect(outcome.errors.contains("chmod 600 \(key)"))
    }

    /// Runs a built tool with the repository's data folder, off the concurrency pool.
    private func run(_ executable: String, _ arguments: [String]) async throws -> ToolRun.Outcome {
        try await ToolRun.run(
            executable, arguments, environment: ["KIOSK_DATA_DIR": KioskdProcess.repository + "/Hardware"])
    }
}
