import Foundation
import KioskSystem
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process's output (its stderr or stdout through a `Pipe`) split into lines as it
/// arrives; a read may end mid-line, which waits for the rest.
///
/// ``follow(_:thread:)`` reads it with blocking reads on a thread of its own until the end of
/// the output (the child ended), never with `readabilityHandler`: tearing down that Dispatch
/// read source can leave libdispatch's epoll loop an entry it has freed, and its manager
/// thread then crashes the process (a CI run's test process, in `_dispatch_event_loop_drain`;
/// swift-corelibs-libdispatch#949). `.ci/check-layers.sh` refuses Dispatch read sources.
public final class OutputLines: Sendable {
    private let state = Mutex<(lines: [String], partial: [UInt8])>(([], []))

    public init() {}

    /// Every whole line so far, without its newline.
    public var lines: [String] { state.withLock { $0.lines } }

    /// Adds bytes as they were read.
    public func append(_ bytes: some Sequence<UInt8>) {
        state.withLock { state in
            state.partial += bytes
            while let newline = state.partial.firstIndex(of: 10) {
                state.lines.append(String(decoding: state.partial[..<newline], as: UTF8.self))
                state.partial.removeSubrange(...newline)
            }
        }
    }

    /// Reads `handle` to its end on a thread named `thread`, adding what it reads. Call it
    /// after the child started (its end of the pipe closed here), so the end of its output
    /// ends the thread.
    public func follow(_ handle: FileHandle, thread: String = "child-output") {
        NamedThread.start(thread) { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(handle.fileDescriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return }
                append(buffer[..<count])
            }
        }
    }
}
