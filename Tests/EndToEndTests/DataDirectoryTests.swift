import Foundation
import KioskTestSupport
import Testing

/// Where `kioskctl` and `kioskd` find printer profiles and keymaps: `--data-dir`,
/// `KIOSK_DATA_DIR` or the installed `/usr/share/kiosk` — never `Hardware/` under the
/// current directory (which made the check pass in the source tree and fail from `/`).
@Suite struct DataDirectoryTests {
    /// A configuration that names the repository's example catalog and the `us` keymap.
    static func config(in directory: String) throws -> String {
        let path = directory + "/kiosk.conf"
        let repository = KioskdProcess.repository
        let text = """
            [Kiosk]
            Id=YB-TEST-01
            Office=Bưu điện huyện Văn Yên
            StateDirectory=\(directory)/state
            Procedures=\(repository)/Hardware/examples/procedures.conf
            Holidays=\(repository)/Hardware/examples/holidays.conf
            [Printer]
            Profile=generic-80mm
            [Scanner]
            Keymap=us
            [Control]
            Group=root

            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs `kioskctl ARGS` in `directory` with extra environment (off the concurrency pool);
    /// returns status and output (standard output, then standard error).
    static func kioskctl(_ arguments: [String], in directory: String, environment: [String: String] = [:])
        async throws -> (status: Int32, output: String)
    {
        var changes: [String: String?] = ["KIOSK_DATA_DIR": nil]
        for (key, value) in environment { changes[key] = value }
        let outcome = try await ToolRun.run(
            BuiltProducts.path("kioskctl"), arguments, environment: changes, directory: directory)
        return (outcome.status, outcome.output + outcome.errors)
    }

    @Test func aHardwareFolderInTheCurrentDirectoryIsNotUsed() async throws {
        let directory = try TemporaryDirectory()
        let config = try Self.config(in: directory.path)
        // A complete copy of the data under ./Hardware, and an empty data folder named explicitly.
        try FileManager.default.copyItem(
            atPath: KioskdProcess.repository + "/Hardware", toPath: directory.path + "/Hardware")
        try FileManager.default.createDirectory(atPath: directory.path + "/empty", withIntermediateDirectories: true)
        let result = try await Self.kioskctl(
            ["config", "check", config], in: directory.path, environment: ["KIOSK_DATA_DIR": directory.path + "/empty"])
        #expect(result.status == 78, "\(result.output)")
        #expect(result.output.contains("[Scanner] Keymap=us"), "\(result.output)")
        #expect(result.output.contains(directory.path + "/empty/keymaps"), "\(result.output)")
        #expect(result.output.contains("[Printer] Profile=generic-80mm"), "\(result.output)")
    }

    @Test func theDataDirectoryFlagAndVariableAreUsed() async throws {
        let directory = try TemporaryDirectory()
        let config = try Self.config(in: directory.path)
        let data = KioskdProcess.repository + "/Hardware"
        let byVariable = try await Self.kioskctl(
            ["config", "check", config], in: "/", environment: ["KIOSK_DATA_DIR": data])
        #expect(byVariable.status == 0, "\(byVariable.output)")
        let byFlag = try await Self.kioskctl(
            ["--data-dir", data, "config", "check", config], in: "/",
            environment: ["KIOSK_DATA_DIR": directory.path + "/nothing-here"])
        #expect(byFlag.status == 0, "\(byFlag.output)")
    }
}
