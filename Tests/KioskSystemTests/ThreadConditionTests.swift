import KioskSystem
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ThreadCondition`: the mutex and condition variable kioskd's threads hand work over with.
@Suite struct ThreadConditionTests {
    @Test func aConditionHandsWorkFromOneThreadToAnother() {
        final class Queue: @unchecked Sendable {
            // @unchecked Sendable: `items` and `total` are only touched under `condition`.
            let condition = ThreadCondition()
            var items: [Int] = []
            var total: Int?
        }
        let queue = Queue()
        NamedThread.start("kiosk-test-sum") {
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
