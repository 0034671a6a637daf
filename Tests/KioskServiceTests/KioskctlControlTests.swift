import Foundation
import KioskTestSupport
import Testing

@testable import KioskControl
@testable import KioskService

#if canImport(Glibc)
    import Glibc
#endif

/// The repository's root, for its Hardware folder.
enum KioskdRepository {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}

/// Runs the built `kioskctl` (next to the test bundle) and collects its output.
enum Kioskctl {
    static let path = BuiltProducts.path("kioskctl")

    typealias Outcome = ToolRun.Outcome

    static func run(_ arguments: [String]) async throws -> Outcome { try await ToolRun.run(path, arguments) }
}

@Suite("kioskctl over the control socket")
struct KioskctlControlTests {
    @Test func lookupAndReprintAskTheService() async throws {
        let rig = try ControlRig()
        defer { rig.server.requestStop() }
        let lookup = try await Kioskctl.run([
            "lookup", "HN1-240501-0001", "--print", "--json", "--timeout", "120", "--socket", rig.directory.socket,
        ])
        #expect(lookup.status == 0)
        #expect(
            try ControlValue.parse(Array(lookup.output.trimmingCharacters(in: .whitespacesAndNewlines).utf8))
                == .object(["ok": .bool(true), "call": .string("lookup(code: HN1-240501-0001, print: true)")]))
        let reprint = try await Kioskctl.run([
            "reprint", "HN1-240501-0001", "--timeout", "120", "--socket", rig.directory.socket,
        ])
        #expect(reprint.status == 0)
        #expect(reprint.output.contains("reprint(code: HN1-240501-0001)"))
        #expect(
            rig.handler.recordedCalls == [
                "lookup(code: HN1-240501-0001, print: true)", "reprint(code: HN1-240501-0001)",
            ])
    }

    @Test func statusShowsTheServiceWhenTheDatabaseIsNotThere() async throws {
        let rig = try ControlRig()
        defer { rig.server.requestStop() }
        let status = try await Kioskctl.run([
            "status", "--timeout", "120", "--socket", rig.directory.socket, "--db", rig.directory.path + "/none.db",
        ])
        // Degraded: the stand-in's answer names no printer or scanner.
        #expect(status.status == 1)
        #expect(status.output.hasPrefix("degraded: printer unknown; scanner unknown"))
        #expect(status.output.contains("service         running"))
        #expect(status.output.contains("call"))
        #expect(rig.handler.recordedCalls == ["status"])
    }

    @Test func aFullServerIsReportedAsBusy() async throws {
        let busy = try await BusyControlServer.start()
        defer { busy.stop() }
        let status = try await Kioskctl.run(["status", "--timeout", "120", "--socket", busy.socket])
        #expect(status.status == 4)
        #expect(status.output.hasPrefix("unknown: kioskd is busy"), "\(status.output)")
        let lookup = try await Kioskctl.run(["lookup", "K", "--timeout", "120", "--socket", busy.socket])
        #expect(lookup.status == 1)
        #expect(lookup.errors.contains("kioskd is busy"), "\(lookup.errors)")
        #expect(!lookup.errors.contains("connection closed or stuck"))
        #expect(try await busy.release()?["ok"] == .bool(true))
    }

    @Test func aRequeueIsLoggedWithWhoAskedAndWhat() async throws {
        let rig = try ControlRig()
        defer { rig.server.requestStop() }
        let requeue = try await Kioskctl.run([
            "queue", "requeue", "6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c11", "--timeout", "120", "--socket",
            rig.directory.socket,
        ])
        #expect(rig.handler.recordedCalls == ["requeue(id: 6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c11, all: false)"])
        #expect(requeue.status == 1)  // the stand-in requeued nothing: "no dead letter with id"
        let line = rig.log.all.first { $0.contains("dead letters requeued") }
        #expect(line?.contains("event=6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c11") == true, "\(rig.log.all)")
        #expect(line?.contains("count=0") == true)
        #expect(line?.contains("uid=\(getuid())") == true)
    }

    @Test func queueChangesWithoutKioskdAreRefusedWithWhatToDo() async throws {
        let directory = SocketDirectory()
        for (command, again) in [
            (["queue", "requeue", "--all"], "queue requeue --all"), (["queue", "release", "41"], "queue release 41"),
        ] {
            let outcome = try await Kioskctl.run(command + ["--socket", directory.socket])
            #expect(outcome.status == 69, "\(command): \(outcome.errors)")
            #expect(
                outcome.errors.contains(
                    "kioskd is not running (no control socket at \(directory.socket)): start it "
                        + "(`systemctl start kioskd`) and run `kioskctl \(again)` again; the queue has one writer, "
                        + "the service (nothing was changed)"), "\(outcome.errors)")
            let json = try await Kioskctl.run(command + ["--json", "--socket", directory.socket])
            #expect(json.status == 69)
            #expect(
                (try JSONSerialization.jsonObject(with: Data(json.errors.utf8)) as? [String: Any])?["error"] is String)
        }
        let usage = try await Kioskctl.run(["queue", "release", "first", "--socket", directory.socket])
        #expect(usage.status == 2)
        #expect(usage.errors.contains("queue release needs a print job's number"))
    }

    @Test func aReleaseAsksTheService() async throws {
        let rig = try ControlRig()
        defer { rig.server.requestStop() }
        let release = try await Kioskctl.run([
            "queue", "release", "--all", "--json", "--timeout", "120", "--socket", rig.directory.socket,
        ])
        #expect(release.status == 0, "\(release.errors)")
        #expect(rig.handler.recordedCalls == ["release(job: nil, all: true)"])
        let output = try JSONSerialization.jsonObject(with: Data(release.output.utf8)) as? [String: Any]
        #expect((output?["released"] as? [Any])?.isEmpty == true, "\(release.output)")
    }

    @Test func eachCommandHasItsOwnHelpAndJSONErrorsHaveOneShape() async throws {
        let overview = try await Kioskctl.run(["--help"])
        let queue = try await Kioskctl.run(["queue", "--help"])
        #expect(queue.status == 0)
        #expect(queue.output.hasPrefix("kioskctl queue list"))
        #expect(queue.output.contains("Examples:"))
        #expect(queue.output != overview.output)
        let status = try await Kioskctl.run(["help", "status"])
        #expect(status.output.contains("3  not running"))
        let version = try await Kioskctl.run(["--version"])
        #expect(version.status == 0)
        #expect(version.output.hasPrefix("kioskctl "))

        let directory = SocketDirectory()
        let config = directory.path + "/kiosk.conf"
        try Data("[Kiosk]\nId=YB-TEST-01\nOffice=X\n[Printer]\nBaud=12345\n".utf8).write(
            to: URL(fileURLWithPath: config))
        let failed = try await Kioskctl.run(["queue", "list", "--json", "--config", config])
        #expect(failed.status == 78)
        #expect(failed.output.isEmpty)
        let error = try #require(
            try JSONSerialization.jsonObject(with: Data(failed.errors.utf8)) as? [String: Any], "\(failed.errors)")
        #expect(Set(error.keys) == ["error", "file", "line", "key"])
        #expect(error["file"] as? String == config)
        #expect(error["line"] as? Int == 5)
        #expect(error["key"] as? String == "Baud")
        let usage = try await Kioskctl.run(["queue", "frobnicate", "--json"])
        #expect(usage.status == 2)
        #expect(
            (try JSONSerialization.jsonObject(with: Data(usage.errors.utf8)) as? [String: Any])?.keys.sorted()
                == ["error"])
    }

    @Test func configCheckReportsEveryProblemInOneJSONSchema() async throws {
        let directory = SocketDirectory()
        let key = directory.path + "/central.key"
        try Data("e2e-test-key-0123456789abcdef-0123456789abcdef".utf8).write(to: URL(fileURLWithPath: key))
        #expect(chmod(key, 0o644) == 0)
        let config = directory.path + "/kiosk.conf"
        let long = directory.path + "/" + String(repeating: "s", count: 100) + "/control.sock"
        try Data(
            """
            [Kiosk]
            Id=YB-TEST-01
            Office=X
            Procedures=\(KioskdRepository.path)/Hardware/examples/procedures.conf
            StateDirectory=\(directory.path)/state
            [Printer]
            Baud=12345
            Device=\(directory.path)/printer
            [Scanner]
            Device=\(directory.path)/scanner
            [Central]
            URL=http://127.0.0.1:9
            KeyFile=\(key)
            [Control]
            Socket=\(long)

            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        let check = try await Kioskctl.run(["config", "check", config, "--json", "--user", "nobody"])
        #expect(check.status == 78)
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(check.output.utf8)) as? [String: Any], "\(check.output)")
        #expect(report["ok"] as? Bool == false)
        let problems = try #require(report["problems"] as? [[String: Any]])
        #expect(problems.allSatisfy { $0["severity"] is String && $0["message"] is String && $0["text"] is String })
        let keys = Set(problems.filter { $0["severity"] as? String == "error" }.compactMap { $0["key"] as? String })
        #expect(keys.isSuperset(of: ["Baud", "KeyFile", "Socket"]), "\(problems)")
        #expect(
            problems.contains {
                ($0["key"] as? String) == "KeyFile" && ($0["message"] as? String)?.contains("0644") == true
            })
        #expect(problems.filter { $0["severity"] as? String == "warning" }.count == 2)
        #expect(report["errors"] as? Int == problems.filter { $0["severity"] as? String == "error" }.count)
        let text = try await Kioskctl.run(["config", "check", config, "--user", "nobody"])
        #expect(text.output.contains("warning: \(config):8: [Printer] Device="))
    }

    /// Found by the real-systemd VM (.ci/realkernel/systemd.sh): the package's key,
    /// root:kiosk 0640, was refused by `kioskctl config check` run as root (the technician's
    /// documented step), judged against root's group instead of kioskd's.
    @Test(.enabled(if: geteuid() == 0, "needs root to give the key another group"))
    func configCheckJudgesTheKeysGroupForTheServiceNotForTheCaller() async throws {
        let directory = SocketDirectory()
        #expect(chmod(directory.path, 0o755) == 0)  // kioskd's user must reach the key
        let service = try #require(getgrnam("nogroup")?.pointee.gr_gid, "no group nogroup")
        let other = try #require(getgrnam("daemon")?.pointee.gr_gid, "no group daemon")
        let key = directory.path + "/central.key"
        try Data("e2e-test-key-0123456789abcdef-0123456789abcdef".utf8).write(to: URL(fileURLWithPath: key))
        #expect(chmod(key, 0o640) == 0)
        let unit = directory.path + "/kioskd.service"
        try Data("[Service]\nUser=nobody\nGroup=nogroup\n".utf8).write(to: URL(fileURLWithPath: unit))
        let config = directory.path + "/kiosk.conf"
        try Data(
            """
            [Kiosk]
            Id=YB-TEST-01
            Office=X
            Procedures=\(KioskdRepository.path)/Hardware/examples/procedures.conf
            StateDirectory=\(directory.path)/state
            [Central]
            URL=http://127.0.0.1:9
            KeyFile=\(key)

            """.utf8
        ).write(to: URL(fileURLWithPath: config))
        func keyProblems() async throws -> [String] {
            let check = try await Kioskctl.run(["config", "check", config, "--json", "--unit", unit])
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(check.output.utf8)) as? [String: Any], "\(check.output)")
            let problems = try #require(report["problems"] as? [[String: Any]])
            return problems.filter { $0["key"] as? String == "KeyFile" }.compactMap { $0["message"] as? String }
        }
        #expect(chown(key, 0, service) == 0)
        #expect(try await keyProblems() == [])
        #expect(chown(key, 0, other) == 0)
        let refused = try await keyProblems()
        #expect(!refused.isEmpty, "a key the service's group cannot read passed")
    }

    @Test func noServiceExits69() async throws {
        let directory = SocketDirectory()
        let lookup = try await Kioskctl.run(["lookup", "K", "--socket", directory.socket])
        #expect(lookup.status == 69)
        #expect(lookup.errors.contains("kioskd is not running (no control socket at \(directory.socket))"))
        let usage = try await Kioskctl.run(["lookup", "--socket", directory.socket])
        #expect(usage.status == 2)
    }

    @Test func watchPrintsEventsAsJSONLines() async throws {
        let rig = try ControlRig()
        defer { rig.server.requestStop() }
        let handler = rig.handler
        let line = try await onThread { () -> String in
            let process = TestProcess()
            process.executableURL = URL(fileURLWithPath: Kioskctl.path)
            process.arguments = ["watch", "--json", "--timeout", "120", "--socket", rig.directory.socket]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            defer {
                process.terminate()
                process.waitUntilExit()
            }
            for _ in 0..<12_000 where handler.subscriptions == 0 { usleep(10_000) }
            handler.emit(.object(["event": .string("scan-handled"), "outcome": .string("lookup")]))
            var bytes: [UInt8] = []
            while !bytes.contains(0x0A) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                bytes += chunk
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(line == #"{"event":"scan-handled","outcome":"lookup"}"# + "\n")
    }
}
