import KioskDevices
import KioskService
import KioskSystem

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The demo's scanner: each line typed on standard input is one scan. Lines starting with
/// `!` are demo commands, handed to `command` instead.
final class StandardInputScans: ScanSource, Sendable {
    private let stream: AsyncStream<ScannerEvent>
    private let continuation: AsyncStream<ScannerEvent>.Continuation

    init(command: @escaping @Sendable (String) -> Void, endOfInput: @escaping @Sendable () -> Void) {
        (stream, continuation) = AsyncStream<ScannerEvent>.makeStream(bufferingPolicy: .bufferingOldest(256))
        continuation.yield(.state(.ok(nil)))
        let continuation = self.continuation
        // Blocking reads belong on their own thread, never on the concurrency pool.
        NamedThread.start("demo-stdin") {
            while let line = readLine(strippingNewline: true) {
                var slice = Substring(line)
                while slice.first?.isWhitespace == true { slice.removeFirst() }
                while slice.last?.isWhitespace == true { slice.removeLast() }
                let trimmed = String(slice)
                if trimmed.isEmpty { continue }
                if trimmed.hasPrefix("!") {
                    command(trimmed)
                } else {
                    continuation.yield(.scan(ScannedText(text: trimmed, completedAt: monotonicNanoseconds())))
                }
            }
            endOfInput()
        }
    }

    func events() -> AsyncStream<ScannerEvent> { stream }
}
