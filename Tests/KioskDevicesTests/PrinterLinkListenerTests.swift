import Dispatch
import KioskDevices
import KioskSystem
import KioskTestRigs
import Synchronization
import Testing

@Suite("Printer link: listeners of its state changes")
struct PrinterLinkListenerTests {
    /// A reload stops the running kiosk: its task is cancelled, and with it the task that
    /// listens to `stateChanges()`. When that cancel came while the link's thread was waking
    /// the listener with a new state, the two threads deadlocked (the cancel held the task's
    /// status lock and waited for the link's lock in the stream's `onTermination`; the link
    /// held its lock and waited for the task's status lock to wake it), and kioskd never
    /// stopped. Here the cancel is made at exactly that moment: from the executor's enqueue,
    /// which the link's thread calls while it wakes the listener.
    @Test("a listener cancelled while the link wakes it with a new state: the cancel returns at once")
    func cancelWhileWoken() async throws {
        let rig = try PrinterRig()
        #expect(await rig.link.status() == .ok)
        let listener = Mutex<Task<[PrinterState], Never>?>(nil)
        let cancels = Mutex<[Bool]>([])
        let executor = WatchedTaskExecutor {
            guard NamedThread.currentName == "printer-link", let task = listener.withLock({ $0 }) else { return }
            // What a reload's stop does, from another thread, while the link wakes the task. The
            // bound only ends a failing run: a cancel that works returns at once.
            let returned = DispatchSemaphore(value: 0)
            NamedThread.start("test-cancel") {
                task.cancel()
                returned.signal()
            }
            let inTime = returned.wait(timeout: .now() + .seconds(10)) == .success
            cancels.withLock { $0.append(inTime) }
        }
        let states = rig.link.stateChanges()
        let task = Task(executorPreference: executor) {
            var heard: [PrinterState] = []
            for await state in states { heard.append(state) }
            return heard
        }
        listener.withLock { $0 = task }
        // The listener has taken the state found so far and waits for the next one.
        await executor.idle(afterJobs: 1)
        rig.emulator.update { $0.paperOut = true }
        #expect(await rig.link.status() == .paperOut)
        #expect(await task.value == [.ok, .paperOut])
        #expect(cancels.withLock { $0 } == [true], "the cancel waited for the link's lock while the link woke the task")
        executor.finish()
        await rig.shutDown()
    }

    @Test("a listener hears every change in order, and one that comes later hears the state so far first")
    func changesInOrder() async throws {
        let rig = try PrinterRig()
        #expect(await rig.link.status() == .ok)
        var early = rig.link.stateChanges().makeAsyncIterator()
        rig.emulator.update { $0.paperOut = true }
        #expect(await rig.link.status() == .paperOut)
        var late = rig.link.stateChanges().makeAsyncIterator()
        rig.emulator.update { $0.paperOut = false }
        #expect(await rig.link.status() == .ok)
        await rig.shutDown()
        var heardEarly: [PrinterState] = []
        while let state = await early.next() { heardEarly.append(state) }
        var heardLate: [PrinterState] = []
        while let state = await late.next() { heardLate.append(state) }
        #expect(heardEarly == [.ok, .paperOut, .ok])
        #expect(heardLate == [.paperOut, .ok])
    }
}
