import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A built command-line tool (`kioskctl`, `kiosk-central`, `openssl`, `zbarimg`) run as a
/// technician runs it, with its exit status and output: the one runner of the test targets.
///
/// Every wait is on a thread of its own, never on a thread of the Swift concurrency pool (one
/// per core: two on the CI machine), and bounded: a child still running at its deadline is
/// killed and the run throws ``ToolFailure`` naming it.
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
    /// with `environment` changes (a nil value removes the variable) in `directory`, on a
    /// thread of its own, and collects its output once it exits. A child still running after
    /// `timeout` is killed (SIGKILL) and the run throws.
    public static func run(
        _ executable: String, _ arguments: [String], as user: (uid: UInt32, gid: UInt32, groups: [UInt32])? = nil,
        environment: [String: String?] = [:], directory: String? = nil, timeout: Duration = .seconds(120)
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
        let process = TestProcess()
        process.executableURL = URL(fileURLWithPath: command.0)
        process.arguments = command.1
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (key, value) in environment { merged[key] = value }
            process.environment = merged
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        return try await onThread {
            try collect(process, timeout: timeout, describing: ([executable] + arguments).joined(separator: " "))
        }
    }

    /// Waits, on a thread of its own, until `process` (already started) exits, at most
    /// `timeout`; a process still running then is killed (SIGKILL: a child that handles or
    /// blocks SIGTERM itself might never end on it). Returns whether it exited by itself in
    /// time.
    public static func waitForExit(_ process: TestProcess, timeout: Duration = .seconds(60)) async -> Bool {
        let killer = Killer(process)
        killer.arm(after: timeout)
        _ = try? await onThread { process.waitUntilExit() }
        return !killer.disarm()
    }

    /// Runs `body` on a new thread and suspends the calling task until it is done.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    private static func collect(_ process: TestProcess, timeout: Duration, describing command: String) throws -> Outcome
    {
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let killer = Killer(process)
        killer.arm(after: timeout)
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
        let outcome = Outcome(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            errors: String(decoding: errorText.get(), as: UTF8.self))
        guard !killer.disarm() else {
            throw ToolFailure(
                description:
                    "\(command) did not exit within \(timeout) and was killed; output: \(outcome.output) \(outcome.errors)"
            )
        }
        return outcome
    }

    /// Kills a process at its deadline unless disarmed first. The deadline is kept by a thread
    /// of its own (not a Dispatch timer, whose threads the concurrency pool shares), so a
    /// starved pool cannot delay it.
    private final class Killer: @unchecked Sendable {
        // @unchecked Sendable: `state` is only touched under `condition`.
        private let process: TestProcess
        private let condition = NSCondition()
        private var state: (disarmed: Bool, killed: Bool) = (false, false)

        init(_ process: TestProcess) { self.process = process }

        func arm(after timeout: Duration) {
            let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
            let deadline = Date(timeIntervalSinceNow: seconds)
            Thread { [self] in
                condition.lock()
                defer { condition.unlock() }
                while !state.disarmed, condition.wait(until: deadline) {}
                guard !state.disarmed, process.isRunning else { return }
                state.killed = true
                process.send(SIGKILL)
            }.start()
        }

        /// Stops the deadline; returns whether the process had been killed at it.
        func disarm() -> Bool {
            condition.lock()
            defer { condition.unlock() }
            state.disarmed = true
            condition.signal()
            return state.killed
        }
    }

    /// Standard error handed from its reading thread.
    private final class ErrorText: @unchecked Sendable {
        // @unchecked Sendable: written once before `drained` is signalled, read after it.
        private var data = Data()
        func set(_ value: Data) { data = value }
        func get() -> Data { data }
    }
}
