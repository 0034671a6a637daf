import Foundation
import KioskService

/// The demo's scanner: each line typed on standard input is one scan. Lines starting with
/// `!` are demo commands, handed to `command` instead.
final class StandardInputScans: ScanSource, Sendable {
    private let stream: AsyncStream<ScannerSignal>
    private let continuation: AsyncStream<ScannerSignal>.Continuation

    init(command: @escaping @Sendable (String) -> Void, endOfInput: @escaping @Sendable () -> Void) {
        (stream, continuation) = AsyncStream<ScannerSignal>.makeStream(bufferingPolicy: .bufferingOldest(256))
        continuation.yield(.state("ok"))
        let continuation = self.continuation
        // Blocking reads belong on their own thread, never on the concurrency pool.
        let reader = Thread {
            while let line = readLine(strippingNewline: true) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                if trimmed.hasPrefix("!") { command(trimmed) } else { continuation.yield(.scan(trimmed)) }
            }
            endOfInput()
        }
        reader.name = "demo-stdin"
        reader.start()
    }

    func signals() -> AsyncStream<ScannerSignal> { stream }
}
