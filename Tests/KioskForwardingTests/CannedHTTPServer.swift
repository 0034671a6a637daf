import Foundation
import KioskTestSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback HTTP/1.1 server that answers each request with the next canned action, for
/// exercising `CentralHTTPTransport` against real sockets without the central server.
///
/// `@unchecked Sendable`: the mutable script and counters are guarded by `state`; the
/// listener (`LoopbackListener`, from KioskTestSupport) is set once in `init`.
final class CannedHTTPServer: @unchecked Sendable {
    enum Action: Sendable {
        /// Send these raw bytes, keep the connection for the next request.
        case respond(String)
        /// Send a response with a body of `bytes` bytes.
        case body(bytes: Int)
        /// Close with RST (SO_LINGER 0) without answering.
        case reset
        /// Read the request and never answer (until the client gives up).
        case stall
        /// On connect, write these bytes before reading anything, then close.
        case immediate(String)
        /// Send these raw bytes, then close the connection (an answer cut short).
        case respondThenClose(String)
        /// Send these raw bytes one at a time, `interval` apart, until the client goes away
        /// (a peer that answers, but too slowly).
        case trickle(String, interval: Duration)
    }

    struct State {
        var script: [Action]
        var connections = 0
        var requests: [String] = []
        var stopped = false
    }

    var port: Int { listener.port }
    private let state: Mutex<State>
    private var listener: LoopbackListener!

    init(script: [Action]) throws {
        state = Mutex(State(script: script))
        listener = try LoopbackListener { [self] client in
            state.withLock { $0.connections += 1 }
            serve(client)
        }
    }

    var connections: Int { state.withLock { $0.connections } }
    var requests: [String] { state.withLock { $0.requests } }

    func stop() {
        state.withLock { $0.stopped = true }
        listener.stop()
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var pending: [UInt8] = []
        let greeting: String? = state.withLock {
            if case .immediate(let text)? = $0.script.first {
                $0.script.removeFirst()
                return text
            }
            return nil
        }
        if let greeting {
            HTTPMessageWire.writeAll(fd, Array(greeting.utf8))
            return
        }
        while true {
            guard let request = HTTPMessageWire.read(fd, &pending)?.head else { return }
            let action: Action? = state.withLock {
                $0.requests.append(request)
                return $0.script.isEmpty ? nil : $0.script.removeFirst()
            }
            switch action ?? .respond("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") {
            case .respond(let text):
                HTTPMessageWire.writeAll(fd, Array(text.utf8))
            case .body(let bytes):
                HTTPMessageWire.writeAll(fd, Array("HTTP/1.1 200 OK\r\nContent-Length: \(bytes)\r\n\r\n".utf8))
                HTTPMessageWire.writeAll(fd, [UInt8](repeating: UInt8(ascii: "x"), count: bytes))
            case .reset:
                LoopbackListener.resetOnClose(fd)
                return
            case .immediate:
                return
            case .respondThenClose(let text):
                HTTPMessageWire.writeAll(fd, Array(text.utf8))
                return
            case .trickle(let text, let interval):
                // Sends slowly on purpose: the client's total timeout is what is under test.
                for byte in Array(text.utf8) {
                    guard send(fd, [byte], 1, Int32(MSG_NOSIGNAL)) == 1 else { return }
                    usleep(useconds_t(interval / .microseconds(1)))
                }
                var byte: UInt8 = 0
                while read(fd, &byte, 1) > 0 {}
                return
            case .stall:
                var byte: UInt8 = 0
                while read(fd, &byte, 1) > 0 {}
                return
            }
        }
    }
}
