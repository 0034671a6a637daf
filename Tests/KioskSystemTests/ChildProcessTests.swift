import Testing

@testable import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// What a child started by ``ChildProcess`` printed, as text, and how it ended.
private func output(of child: ChildProcess, standardError: Bool = false) throws -> (String, ChildProcess.Termination?) {
    let (termination, bytes) = try child.runReadingOutput(includingErrors: standardError)
    return (String(decoding: bytes, as: UTF8.self), termination)
}

@Suite("Child processes: started by posix_spawn, not Foundation's Process")
struct ChildProcessTests {
    @Test("exit statuses and signals come back as they happened")
    func terminations() throws {
        let exited = ChildProcess("/bin/sh", ["-c", "exit 3"])
        try exited.run()
        #expect(exited.waitUntilExit() == .exited(3))
        #expect(exited.exitStatus == 3)
        #expect(!exited.isRunning)

        let killed = ChildProcess("/bin/sh", ["-c", "kill -TERM $$; sleep 5"])
        try killed.run()
        #expect(killed.waitUntilExit() == .signalled(SIGTERM))
        #expect(killed.exitStatus == 128 + SIGTERM)
    }

    @Test("the child holds only its three standard streams, whatever this process has open")
    func noDescriptorLeaks() throws {
        // A descriptor without close-on-exec, as Foundation's pipes and some C libraries leave.
        let leaky = open("/dev/null", O_RDONLY)
        defer { close(leaky) }
        #expect(leaky > 2)
        let (listing, end) = try output(of: ChildProcess("/bin/sh", ["-c", "ls /proc/$$/fd"]))
        #expect(end == .exited(0))
        #expect(listing.split(separator: "\n").sorted() == ["0", "1", "2"], "the shell's descriptors: \(listing)")
    }

    @Test("no signal blocked and none ignored in the child, whatever this process blocks")
    func signalsAtTheirDefaults() throws {
        var blocked = sigset_t()
        var previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        let (status, end) = try output(
            of: ChildProcess("/bin/sh", ["-c", "exec grep -E '^Sig(Blk|Ign)' /proc/self/status"]))
        #expect(end == .exited(0))
        #expect(status.contains("SigBlk:\t0000000000000000"), "\(status)")
        // Signals 1–31; 32 and above are glibc's own and the C library's to keep.
        let ignored = status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") }
            .flatMap { UInt64($0.dropFirst("SigIgn:".count).trimmingPrefix(while: \.isWhitespace), radix: 16) }
        #expect(ignored.map { $0 & 0x7fff_ffff } == 0, "\(status)")
        // And the signal that was blocked here ends it.
        let sleeper = ChildProcess("/bin/sleep", ["30"])
        try sleeper.run()
        sleeper.send(SIGTERM)
        #expect(sleeper.waitUntilExit() == .signalled(SIGTERM))
    }

    @Test("arguments, environment, directory and /dev/null reach the child as given")
    func settingsReachTheChild() throws {
        let child = ChildProcess(
            "/bin/sh", ["-c", "printf '%s|%s|%s|' \"$1\" \"$KIOSK_X\" \"$(pwd)\"; cat", "sh", "a b"])
        child.environment = ["KIOSK_X": "Nguyễn", "PATH": "/usr/bin:/bin"]
        child.directory = "/tmp"
        child.standardInput = .null
        let (text, end) = try output(of: child)
        #expect(end == .exited(0))
        #expect(text == "a b|Nguyễn|/tmp|")
    }

    @Test("a program that is not there is an error naming it; nothing was started")
    func missingProgram() throws {
        let child = ChildProcess("/nonexistent/kiosk-tool", [])
        #expect(throws: SystemError(ENOENT, call: "posix_spawn(/nonexistent/kiosk-tool)")) { try child.run() }
        #expect(!child.isRunning)
        #expect(child.waitUntilExit() == nil)
        #expect(child.processIdentifier == 0)
    }

    @Test("standard error can share the output pipe")
    func sharedPipe() throws {
        let (text, end) = try output(
            of: ChildProcess("/bin/sh", ["-c", "echo out; echo err >&2"]), standardError: true)
        #expect(end == .exited(0))
        #expect(text == "out\nerr\n")
    }

    @Test("many children from many threads at once each end and are told apart")
    func manyAtOnce() async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask {
                    let child = ChildProcess("/bin/sh", ["-c", "exit \(index % 7)"])
                    try child.run()
                    return try await NamedThread.run("test-wait") { child.waitUntilExit() == .exited(Int32(index % 7)) }
                }
            }
            for try await right in group { #expect(right) }
        }
    }
}
