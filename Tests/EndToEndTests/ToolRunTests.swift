import Foundation
import KioskTestSupport
import Testing

/// The tests' one runner of child processes: it waits off the concurrency pool and never for
/// ever — a child still running at its deadline is killed and the run fails naming it.
@Suite struct ToolRunTests {
    @Test func aChildPastItsDeadlineIsKilledAndTheRunFailsNamingIt() async throws {
        do {
            let outcome = try await ToolRun.run("/bin/sleep", ["600"], timeout: .seconds(1))
            Issue.record("a child that outlived its deadline was waited for: \(outcome)")
        } catch let failure as ToolFailure {
            #expect(failure.description.hasPrefix("/bin/sleep 600 did not exit within"), "\(failure)")
        }
    }

    @Test func waitForExitKillsAChildPastItsDeadline() async throws {
        let process = TestProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["600"]
        try process.run()
        #expect(await ToolRun.waitForExit(process, timeout: .seconds(1)) == false)
        #expect(!process.isRunning)
        #expect(process.terminationReason == .uncaughtSignal)
    }

    @Test func waitForExitReportsAChildThatEndsByItself() async throws {
        let process = TestProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        #expect(await ToolRun.waitForExit(process, timeout: .seconds(60)))
        #expect(process.terminationStatus == 0)
    }

    @Test func environmentAndDirectoryReachTheChild() async throws {
        let directory = try TemporaryDirectory()
        let outcome = try await ToolRun.run(
            "/bin/sh", ["-c", #"pwd; echo "${KIOSK_TOOLRUN_SET-unset}"; echo "${HOME-removed}" >&2"#],
            environment: ["KIOSK_TOOLRUN_SET": "yes", "HOME": nil], directory: directory.path)
        #expect(outcome.status == 0)
        let resolved = URL(fileURLWithPath: directory.path).resolvingSymlinksInPath().path
        #expect(outcome.output == "\(resolved)\nyes\n" || outcome.output == "\(directory.path)\nyes\n", "\(outcome)")
        #expect(outcome.errors == "removed\n")
    }
}
