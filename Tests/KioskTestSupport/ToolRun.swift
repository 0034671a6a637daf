import Foundation

/// A built command-line tool (`kioskctl`, `kiosk-central`) run as a technician runs it, with
/// its exit status and output: the one runner of the test targets.
public enum ToolRun {
    /// How a run ended.
    public struct Outcome: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output.
        public var output: String
        /// Standard error.
        public var errors: String
    }

    /// Runs `executable` with `arguments`, optionally as another user (through `setpriv`),
    /// on a thread of its own (never blocking the Swift concurrency pool), and collects its
    /// output once it exits.
    public static func run(
        _ executable: String, _ arguments: [String], as user: (uid: UInt32, gid: UInt32, groups: [UInt32])? = nil
    ) async throws -> Outcome {
        let command: (String, [String])
        if let user {
            let groups =
                user.groups.isEmpty
                ? "--clear-groups" : "--groups=" + user.groups.map(String.init).joined(separator: ",")
            command = (
                "/usr/bin/setpriv", ["--reuid=\(user.uid)", "--regid=\(user.gid)", groups, executable] + arguments
            )
        } else {
            command = (executable, arguments)
        }
        return try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try run(command.0, command.1) })
            }.start()
        }
    }

    private static func run(_ executable: String, _ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Standard error is drained on its own thread: a tool writing much to both pipes
        // would otherwise block on the one not being read.
        let errorText = ErrorText()
        let drained = DispatchSemaphore(value: 0)
        Thread {
            errorText.set(errors.fileHandleForReading.readDataToEndOfFile())
            drained.signal()
        }.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            errors: String(decoding: errorText.get(), as: UTF8.self))
    }

    /// Standard error handed from its reading thread.
    private final class ErrorText: @unchecked Sendable {
        // @unchecked Sendable: written once before `drained` is signalled, read after it.
        private var data = Data()
        func set(_ value: Data) { data = value }
        func get() -> Data { data }
    }
}
