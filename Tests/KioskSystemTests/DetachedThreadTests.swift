import KioskSystem
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct DetachedThreadTests {
    /// What the thread saw of itself, handed back under a condition.
    final class Seen: @unchecked Sendable {
        // @unchecked Sendable: `name`, `isMain` and `done` are only touched under `condition`.
        let condition = ThreadCondition()
        var name = ""
        var isMain = true  // whether the closure ran on the caller's thread
        var done = false

        func wait() {
            condition.lock()
            while !done { condition.wait() }
            condition.unlock()
        }
    }

    @Test func runsTheClosureOnANewThreadCarryingItsName() {
        let seen = Seen()
        let caller = pthread_self()
        DetachedThread.start(name: "kiosk-test-thread-long-name", stackSize: 1 << 20) {
            var comm = [UInt8](repeating: 0, count: 32)
            var count = 0
            let fd = open("/proc/thread-self/comm", O_RDONLY)
            if fd >= 0 {
                count = max(0, read(fd, &comm, 31))
                close(fd)
            }
            let name =
                String(decoding: comm[..<count], as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            seen.condition.lock()
            seen.name = name
            seen.isMain = pthread_equal(caller, pthread_self()) != 0
            seen.done = true
            seen.condition.signal()
            seen.condition.unlock()
        }
        seen.wait()
        #expect(!seen.isMain)
        // The kernel keeps the first 15 bytes of a thread's name.
        #expect(seen.name == "kiosk-test-thre")
    }

    @Test func aConditionHandsWorkFromOneThreadToAnother() {
        final class Queue: @unchecked Sendable {
            // @unchecked Sendable: `items` and `total` are only touched under `condition`.
            let condition = ThreadCondition()
            var items: [Int] = []
            var total: Int?
        }
        let queue = Queue()
        DetachedThread.start(name: "kiosk-test-sum") {
            var sum = 0
            queue.condition.lock()
            while true {
                while queue.items.isEmpty { queue.condition.wait() }
                let item = queue.items.removeFirst()
                if item < 0 { break }
                sum += item
            }
            queue.total = sum
            queue.condition.broadcast()
            queue.condition.unlock()
        }
        for item in [1, 2, 3, 4, -1] {
            queue.condition.lock()
            queue.items.append(item)
            queue.condition.signal()
            queue.condition.unlock()
        }
        queue.condition.lock()
        while queue.total == nil { queue.condition.wait() }
        let total = queue.total
        queue.condition.unlock()
        #expect(total == 10)
    }
}
