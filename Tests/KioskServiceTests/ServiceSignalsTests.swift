import Synchronization
import Testing

@testable import KioskService

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct ServiceSignalsTests {
    @Test("the stop's action runs once, with the first stop's signal, whether given before or after it")
    func stopActionRunsOnce() {
        for givenFirst in [true, false] {
            let signals = ServiceSignals()
            let runs = Mutex<[Int32]>([])
            let action: @Sendable (Int32) -> Void = { number in runs.withLock { $0.append(number) } }
            if givenFirst { signals.whenStopAsked(action) }
            #expect(runs.withLock { $0 }.isEmpty)
            signals.requestStop(signal: SIGTERM)
            signals.requestReload()
            signals.requestStop(signal: SIGINT)
            if !givenFirst { signals.whenStopAsked(action) }
            // Only the first action given is kept.
            signals.whenStopAsked { _ in runs.withLock { $0.append(-1) } }
            #expect(runs.withLock { $0 } == [SIGTERM], "given \(givenFirst ? "before" : "after") the stop")
            #expect(signals.pending() == .terminate(signal: SIGTERM))
        }
    }

    @Test("a cancelled wait for the next request is a stop, said as one")
    func cancelledWaitIsAStop() async {
        let signals = ServiceSignals()
        let runs = Mutex<[Int32]>([])
        signals.whenStopAsked { number in runs.withLock { $0.append(number) } }
        let waiting = Task { await signals.next() }
        waiting.cancel()
        #expect(await waiting.value == .terminate(signal: 0))
        #expect(signals.stopRequested == 0)
        #expect(runs.withLock { $0 } == [0])
    }
}
