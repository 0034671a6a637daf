import Foundation
import KioskTestSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback HTTP/1.1 proxy in front of a real server that, when told to, lets a request
/// reach the server and be processed, then resets the client's connection instead of passing
/// the answer back: the central processed the batch, the kiosk never heard.
///
/// One thread per client connection; each request goes to the server on a connection of its
/// own. `@unchecked Sendable`: the listener (`LoopbackListener`, from KioskTestSupport) is set
/// once in `init`; the rest is `state`.
final class ResettingProxy: @unchecked Sendable {
    struct State {
        /// Requests (counted from 1, across connections) whose answer is replaced by a reset.
        var resetRequests: Set<Int> = []
        var requests = 0
        var connections = 0
    }

    var port: Int { listener.port }
    private let backendPort: Int
    private let state = Mutex(State())
    private var listener: LoopbackListener!

    init(backendPort: Int) throws {
        self.backendPort = backendPort
        listener = try LoopbackListener { [self] client in
            state.withLock { $0.connections += 1 }
            serve(client)
        }
    }

    /// Resets the connection after the `n`th request (from 1) was answered by the server.
    func resetAfterProcessing(request n: Int) { state.withLock { _ = $0.resetRequests.insert(n) } }

    var requests: Int { state.withLock { $0.requests } }
    var connections: Int { state.withLock { $0.connections } }

    func stop() { listener.stop() }

    private func serve(_ client: Int32) {
        var pending: [UInt8] = []
        while let request = HTTPMessageWire.read(client, &pending)?.message {
            let reset = state.withLock { s -> Bool in
                s.requests += 1
                return s.resetRequests.contains(s.requests)
            }
            guard let answer = forward(request) else { break }
            if reset {
                LoopbackListener.resetOnClose(client)
                break
            }
            HTTPMessageWire.writeAll(client, answer)
        }
        close(client)
    }

    /// Sends one request to the server on a new connection and returns its whole answer.
    private func forward(_ request: [UInt8]) -> [UInt8]? {
        guard let fd = LoopbackListener.connect(port: backendPort) else { return nil }
        defer { close(fd) }
        HTTPMessageWire.writeAll(fd, request)
        var pending: [UInt8] = []
        return HTTPMessageWire.read(fd, &pending)?.message
    }
}
