import Foundation
import KioskSystem

/// A child process as the tests start one: Foundation's `Process` API (URLs, a `Pipe` or a
/// `FileHandle` for each standard stream) over ``ChildProcess``, which does not crash the test
/// process now and then as `Process.run()` does on Linux (swift-corelibs-foundation#5472: it
/// ended a CI run). As `Process` does, the child's end of a `Pipe` is closed here once the child
/// has it.
public final class TestProcess: @unchecked Sendable {
    // @unchecked Sendable: set up by one task before `run()`; the child is ChildProcess's.
    private let child = ChildProcess()
    private var pipeEndsToClose: [FileHandle] = []

    public init() {}

    /// The program.
    public var executableURL: URL? {
        get { child.executable.isEmpty ? nil : URL(fileURLWithPath: child.executable) }
        set { child.executable = newValue?.path ?? "" }
    }
    /// The arguments after the program's name.
    public var arguments: [String]? {
        get { child.arguments }
        set { child.arguments = newValue ?? [] }
    }
    /// The child's whole environment; nil: this process's.
    public var environment: [String: String]? {
        get { child.environment }
        set { child.environment = newValue }
    }
    /// The directory the child starts in.
    public var currentDirectoryURL: URL? {
        get { child.directory.map { URL(fileURLWithPath: $0) } }
        set { child.directory = newValue?.path }
    }
    /// A `Pipe` (the child reads its read end) or a `FileHandle`; nil: this process's.
    public var standardInput: Any? {
        didSet { child.standardInput = stream(standardInput, childReads: true) }
    }
    /// A `Pipe` (the child writes its write end) or a `FileHandle`; nil: this process's.
    public var standardOutput: Any? {
        didSet { child.standardOutput = stream(standardOutput, childReads: false) }
    }
    /// As ``standardOutput``.
    public var standardError: Any? {
        didSet { child.standardError = stream(standardError, childReads: false) }
    }

    /// Starts the child, then closes the child's ends of the pipes here.
    public func run() throws {
        try child.run()
        for handle in pipeEndsToClose { try? handle.close() }
        pipeEndsToClose = []
    }

    public var processIdentifier: Int32 { child.processIdentifier }
    public var isRunning: Bool { child.isRunning }

    /// Blocks until the child has ended.
    public func waitUntilExit() { child.waitUntilExit() }

    /// As `Process`: the exit status, or the number of the signal that ended the child; -1
    /// while it runs.
    public var terminationStatus: Int32 {
        switch child.termination {
        case .exited(let status): status
        case .signalled(let number): number
        case nil: -1
        }
    }

    /// As `Process`: whether the child exited or a signal ended it.
    public var terminationReason: Process.TerminationReason {
        if case .signalled = child.termination { return .uncaughtSignal }
        return .exit
    }

    /// Sends `signal` while the child runs; never to a process id reused once it ended.
    public func send(_ signal: Int32) { child.send(signal) }
    /// SIGTERM, as `Process.terminate()`.
    public func terminate() { send(SIGTERM) }
    /// SIGINT, as `Process.interrupt()`.
    public func interrupt() { send(SIGINT) }

    private func stream(_ value: Any?, childReads: Bool) -> ChildProcess.Stream {
        switch value {
        case let handle as FileHandle where handle === FileHandle.nullDevice:
            return .null
        case let pipe as Pipe:
            let end = childReads ? pipe.fileHandleForReading : pipe.fileHandleForWriting
            pipeEndsToClose.append(end)
            return .descriptor(end.fileDescriptor)
        case let handle as FileHandle:
            return .descriptor(handle.fileDescriptor)
        default:
            return .inherit
        }
    }
}
