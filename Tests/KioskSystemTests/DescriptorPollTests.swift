import Foundation
import Synchronization
import Testing

@testable import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Signals the interrupt test's handler caught (a C signal handler captures nothing).
private let interruptsCaught = Atomic<Int>(0)

/// `waitForDescriptors`: the one poll loop (stop descriptor, EINTR, monotonic deadline).
@Suite struct DescriptorPollTests {
    /// A pipe: read end, write end; closed by the caller.
    private static func makePipe() throws -> (Int32, Int32) {
        var ends: [Int32] = [-1, -1]
        try retryingInterrupts("pipe") { pipe(&ends) }
        return (ends[0], ends[1])
    }

    private static func put(_ fd: Int32) {
        var byte: UInt8 = 1
        _ = write(fd, &byte, 1)
    }

    @Test func reportsTheReadyDescriptorsInOrder() throws {
        let (quietRead, quietWrite) = try Self.makePipe()
        let (busyRead, busyWrite) = try Self.makePipe()
        defer { [quietRead, quietWrite, busyRead, busyWrite].forEach { close($0) } }
        Self.put(busyWrite)
        let outcome = try waitForDescriptors([quietRead, busyRead], until: MonotonicDeadline(after: .seconds(30)))
        #expect(outcome.events(of: 0) == 0)
        #expect(outcome.events(of: 1) & Int16(POLLIN) != 0)
        guard case .ready(let revents) = outcome else {
            Issue.record("not ready: \(outcome)")
            return
        }
        #expect(revents.count == 2)
    }

    @Test func theStopDescriptorWinsOverReadyOnes() throws {
        let (readEnd, writeEnd) = try Self.makePipe()
        defer { [readEnd, writeEnd].forEach { close($0) } }
        let stop = try WakePipe()
        Self.put(writeEnd)
        stop.signal()
        #expect(try waitForDescriptor(readEnd, stop: stop.readEnd) == .stopped)
        // With no descriptors at all it is a sleep that the stop cuts short.
        #expect(sleepUnlessStopped(until: MonotonicDeadline(after: .seconds(3600)), stop: stop.readEnd))
        stop.drain()
        #expect(!stop.isSignalled)
        #expect(try waitForDescriptor(readEnd, stop: stop.readEnd) == .ready([Int16(POLLIN)]))
    }

    @Test func aStopFromAnotherThreadEndsAWaitWithoutDeadline() throws {
        let (readEnd, writeEnd) = try Self.makePipe()
        defer { [readEnd, writeEnd].forEach { close($0) } }
        let stop = try WakePipe()
        let result = Mutex<PollOutcome?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let outcome = try? waitForDescriptor(readEnd, stop: stop.readEnd)
            result.withLock { $0 = outcome }
            done.signal()
        }
        thread.start()
        stop.signal()
        done.wait()
        #expect(result.withLock { $0 } == .stopped)
    }

    @Test func timesOutOnlyOnceTheDeadlineHasPassed() throws {
        let (readEnd, writeEnd) = try Self.makePipe()
        defer { [readEnd, writeEnd].forEach { close($0) } }
        let deadline = MonotonicDeadline(after: .milliseconds(30))
        #expect(try waitForDescriptor(readEnd, until: deadline) == .timedOut)
        #expect(deadline.hasPassed)
        // A deadline already passed still reports what is ready.
        Self.put(writeEnd)
        #expect(try waitForDescriptor(readEnd, until: MonotonicDeadline(nanoseconds: 0)) == .ready([Int16(POLLIN)]))
    }

    /// Signals delivered to the waiting thread (handler installed without `SA_RESTART`, so
    /// `poll` returns `EINTR`) neither end the wait early nor become an error.
    @Test func signalsDoNotEndTheWait() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in interruptsCaught.add(1, ordering: .relaxed) }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var previous = sigaction()
        sigaction(SIGURG, &action, &previous)
        defer { sigaction(SIGURG, &previous, nil) }

        let (readEnd, writeEnd) = try Self.makePipe()
        defer { [readEnd, writeEnd].forEach { close($0) } }
        let stop = try WakePipe()
        let waiter = Mutex<pthread_t?>(nil)
        let results = Mutex<(PollOutcome?, PollOutcome?, deadlinePassed: Bool)>((nil, nil, false))
        let done = DispatchSemaphore(value: 0)
        // The thread outlives the last signal sent to it (a signal to an ended thread is undefined).
        let release = DispatchSemaphore(value: 0)
        let thread = Thread {
            // Threads may inherit a mask that blocks it; this one must take the signal.
            var urgent = sigset_t()
            sigemptyset(&urgent)
            sigaddset(&urgent, SIGURG)
            pthread_sigmask(SIG_UNBLOCK, &urgent, nil)
            waiter.withLock { $0 = pthread_self() }
            // First without a deadline until the pipe has data, then with one that must be met.
            let first = try? waitForDescriptor(readEnd, stop: stop.readEnd)
            var scratch: UInt8 = 0
            _ = read(readEnd, &scratch, 1)
            let deadline = MonotonicDeadline(after: .milliseconds(200))
            let second = try? waitForDescriptor(readEnd, stop: stop.readEnd, until: deadline)
            results.withLock { $0 = (first, second, deadline.hasPassed) }
            done.signal()
            release.wait()
        }
        thread.start()
        var target: pthread_t?
        while target == nil { target = waiter.withLock { $0 } }
        let before = interruptsCaught.load(ordering: .relaxed)
        // Keep interrupting while the thread waits; some signals land inside poll.
        var sent = 0
        while interruptsCaught.load(ordering: .relaxed) < before + 50 && sent < 1_000_000 {
            pthread_kill(target!, SIGURG)
            sent += 1
            sched_yield()
        }
        #expect(interruptsCaught.load(ordering: .relaxed) >= before + 50, "the handler caught too few signals")
        Self.put(writeEnd)
        var finished = false
        while !finished {
            pthread_kill(target!, SIGURG)
            finished = done.wait(timeout: .now() + .milliseconds(1)) == .success
        }
        release.signal()
        let (first, second, deadlinePassed) = results.withLock { $0 }
        #expect(first == .ready([Int16(POLLIN)]))
        #expect(second == .timedOut)
        #expect(deadlinePassed)
    }
}
