import Foundation
import KioskSystem
import Testing

/// Every thread the service starts carries its own name in `ps -L` and
/// `/proc/PID/task/*/comm`, not its creator's (a Dispatch worker's `oot.default-qos`).
@Suite struct NamedThreadTests {
    @Test func aThreadStartedFromAsyncCodeCarriesItsOwnNameFromItsFirstLine() async throws {
        // Started from a task: the creator is a Dispatch worker, whose name a new Linux
        // thread inherits until it names itself.
        let creator = NamedThread.currentName
        let gate = ThreadGate()
        let (id, firstName) = await withCheckedContinuation {
            (continuation: CheckedContinuation<(Int32, String), Never>) in
            NamedThread.start("kiosk-test-1") {
                continuation.resume(returning: (NamedThread.currentID, NamedThread.currentName))
                gate.wait()
            }
        }
        #expect(firstName == "kiosk-test-1", "creator \(creator)")
        // As every tool sees it, while the thread runs: its entry under /proc/self/task.
        let comm = try String(contentsOfFile: "/proc/self/task/\(id)/comm", encoding: .utf8)
        #expect(comm == "kiosk-test-1\n")
        #expect(NamedThread.namesInProcess.contains("kiosk-test-1"))
        gate.open()
    }

    @Test func aNameOverFifteenBytesIsCutAtAWholeCharacter() async {
        let name = await withCheckedContinuation { (continuation: CheckedContinuation<String, Never>) in
            NamedThread.start("kiosk-test-2") {
                // 17 bytes in UTF-8: the first 15 would split the "ở" (3 bytes).
                NamedThread.nameCurrentThread("kiosk-printer-ở")
                continuation.resume(returning: NamedThread.currentName)
            }
        }
        #expect(name == "kiosk-printer-")
        #expect(name.utf8.count <= NamedThread.maximumNameBytes)
    }
}

/// Holds a test thread until the test has looked at it.
final class ThreadGate: Sendable {
    private let pipe = try? WakePipe()

    func open() { pipe?.signal() }

    func wait() {
        guard let pipe else { return }
        var entry = pollfd(fd: pipe.readEnd, events: Int16(POLLIN), revents: 0)
        // A failsafe: a broken test does not leave the thread behind for long.
        _ = poll(&entry, 1, 120_000)
    }
}
