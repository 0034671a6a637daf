import CKioskShim

#if canImport(Glibc)
    import Glibc
#endif

/// A program run as a child of this process: `journalctl` for `kioskctl report`, `kioskd` and the
/// tools the benchmarks and tests start.
///
/// Not Foundation's `Process`: on Linux its `run()` (Swift 6.3) copies 256 bytes of every
/// `/proc/self/fd` entry it reads and now and then reads past glibc's buffer into an unmapped
/// page, which kills the whole process (swift-corelibs-foundation#5472; it killed the test run
/// of a CI job). This one starts the child with `posix_spawn` (`kiosk_spawn` in the C shim),
/// which closes the child's other descriptors itself: the child holds only its three standard
/// streams, starts with no signal blocked and every signal at its default action (as a shell
/// starts a command), and is reaped by a thread of its own, so waiting never holds a thread of
/// the Swift concurrency pool unless the caller chooses to.
///
/// Set the properties, then ``run()``; one run per value.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked Sendable: the settings are written before `run()` by the one caller that
    // starts it; what the run finds is only touched under `condition`.

    /// Where a standard stream of the child goes.
    public enum Stream: Sendable, Equatable {
        /// This process's own stream.
        case inherit
        /// `/dev/null`.
        case null
        /// A descriptor of this process (it stays open here: close the child's end of a pipe
        /// after ``run()`` so reading the other end sees the end of the stream).
        case descriptor(Int32)
    }

    /// How the child ended.
    public enum Termination: Sendable, Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal it did not handle ended it.
        case signalled(Int32)
    }

    /// The program's absolute path (no `PATH` search).
    public var executable: String
    /// The arguments after the program's name.
    public var arguments: [String]
    /// The whole environment of the child; nil gives it this process's.
    public var environment: [String: String]?
    /// The directory the child starts in; nil: this process's.
    public var directory: String?
    /// Standard input, output and error.
    public var standardInput = Stream.inherit
    public var standardOutput = Stream.inherit
    public var standardError = Stream.inherit

    private let condition = ThreadCondition()
    private var started: Int32?
    private var ended: Termination?

    /// A child to run `executable` with `arguments`.
    public init(_ executable: String = "", _ arguments: [String] = []) {
        self.executable = executable
        self.arguments = arguments
    }

    /// Starts the child. Throws when it cannot be started (no such program, not executable),
    /// naming the program.
    public func run() throws(SystemError) {
        precondition(processIdentifier == 0, "a ChildProcess runs once")
        let argv = CStrings([executable] + arguments)
        let envp = environment.map { CStrings($0.map { "\($0.key)=\($0.value)" }) }
        let directory = self.directory.flatMap { strdup($0) }
        defer {
            argv.free()
            envp?.free()
            Glibc.free(directory)
        }
        let streams = [standardInput, standardOutput, standardError].map { stream -> Int32 in
            switch stream {
            case .inherit: KIOSK_SPAWN_INHERIT
            case .null: KIOSK_SPAWN_NULL
            case .descriptor(let descriptor): descriptor
            }
        }
        var pid: pid_t = 0
        let code = kiosk_spawn(executable, argv.pointers, envp?.pointers, streams, directory, &pid)
        guard code == 0 else { throw SystemError(code, call: "posix_spawn(\(executable))") }
        condition.lock()
        started = pid
        condition.unlock()
        NamedThread.start("child-wait") { [self, pid] in reap(pid) }
    }

    /// Runs the child with its standard output (and, with `includingErrors`, its standard
    /// error) into a pipe, reads that to its end and waits for the child: what a caller that
    /// wants a tool's text does. Blocks the calling thread.
    public func runReadingOutput(includingErrors: Bool = false) throws(SystemError) -> (
        termination: Termination?, output: [UInt8]
    ) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SystemError(errno, call: "pipe for \(executable)") }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        standardOutput = .descriptor(ends[1])
        if includingErrors { standardError = .descriptor(ends[1]) }
        do {
            try run()
        } catch {
            close(ends[0])
            close(ends[1])
            throw error
        }
        // Only the child holds the write end now: the read ends when the child closes it.
        close(ends[1])
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(ends[0], &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output += buffer[..<count]
        }
        close(ends[0])
        return (waitUntilExit(), output)
    }

    /// The child's process id; 0 before ``run()``.
    public var processIdentifier: Int32 {
        condition.lock()
        defer { condition.unlock() }
        return started ?? 0
    }

    /// Whether the child was started and has not ended yet.
    public var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return started != nil && ended == nil
    }

    /// How the child ended; nil while it runs or before ``run()``.
    public var termination: Termination? {
        condition.lock()
        defer { condition.unlock() }
        return ended
    }

    /// The exit status as a shell gives it: the child's own, or 128 plus the number of the
    /// signal that ended it; -1 while it runs or before ``run()``.
    public var exitStatus: Int32 {
        switch termination {
        case .exited(let status): status
        case .signalled(let number): 128 + number
        case nil: -1
        }
    }

    /// Blocks the calling thread until the child has ended (at once when it never started), and
    /// says how.
    @discardableResult
    public func waitUntilExit() -> Termination? {
        condition.lock()
        defer { condition.unlock() }
        while started != nil && ended == nil { condition.wait() }
        return ended
    }

    /// Sends `signal` to the child while it runs (never to a reused process id once it ended).
    public func send(_ signal: Int32) {
        condition.lock()
        defer { condition.unlock() }
        guard let started, ended == nil else { return }
        kill(started, signal)
    }

    /// The waiting thread's body: `waitpid` until the child ends, then tell the waiters.
    private func reap(_ pid: Int32) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import.
        let termination: Termination =
            status & 0x7f == 0 ? .exited((status >> 8) & 0xff) : .signalled(status & 0x7f)
        condition.lock()
        ended = termination
        condition.broadcast()
        condition.unlock()
    }
}

/// Strings copied as C strings in a NULL-terminated array, for `argv` and `envp`; freed by
/// ``free()``.
private struct CStrings {
    let pointers: [UnsafeMutablePointer<CChar>?]

    init(_ strings: [String]) { pointers = strings.map { strdup($0) } + [nil] }

    func free() { for pointer in pointers { Glibc.free(pointer) } }
}
