import Foundation
import Testing

@testable import KioskService

/// Runs the built `kioskctl` (next to the test bundle) and collects its output.
enum Kioskctl {
    static let path: String = {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("kioskctl").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url.appendingPathComponent("kioskctl").path
    }()

    struct Outcome: Sendable {
        var status: Int32
        var output: String
        var errors: String
    }

    static func run(_ arguments: [String]) async throws -> Outcome {
        try await onThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            let output = Pipe()
            let errors = Pipe()
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            let out = output.fileHandleForReading.readDataToEndOfFile()
            let err = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Outcome(
                status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
                errors: String(decoding: err, as: UTF8.self))
        }
    }
}

@Suite("kioskctl over the control socket")
struct KioskctlControlTests {
    @Test func lookupAndReprintAskTheService() async throws {
        let rig = try ControlRig()
        defer { rig.server.stop() }
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
        defer { rig.server.stop() }
        let status = try await Kioskctl.run([
            "status", "--timeout", "120", "--socket", rig.directory.socket, "--db", rig.directory.path + "/none.db",
        ])
        #expect(status.status == 0)
        #expect(status.output.contains("service         running"))
        #expect(status.output.contains("call"))
        #expect(rig.handler.recordedCalls == ["status"])
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
        defer { rig.server.stop() }
        let handler = rig.handler
        let line = try await onThread { () -> String in
            let process = Process()
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
