import Dispatch
import KioskProtocol
import KioskSystem
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// What a handler wants done with a request.
enum Reply: Sendable {
    /// Send this answer.
    case respond(HTTPResponse)
    /// Hold the connection without answering for this long, then close it.
    case stall(seconds: Double)
    /// Close at once with a TCP RST.
    case reset
    /// Write these bytes (not HTTP) and close.
    case raw([UInt8])
}

/// A small HTTP/1.1 server on POSIX sockets: one accept thread, one thread per connection,
/// at most `maxConnections` at once and `maxConnectionsPerAddress` from one peer address
/// (more are answered 503 and closed).
///
/// Blocking socket I/O lives on its own threads, never on the Swift concurrency pool.
final class HTTPServer: Sendable {
    /// Answers one request; called on the connection's thread.
    typealias Handler = @Sendable (HTTPRequest) -> Reply
    /// Told about each exchange: method, target, status (0: no answer), for logs and counts.
    typealias Observer = @Sendable (_ method: String, _ target: String, _ status: Int) -> Void

    private struct State {
        var stopping = false
        var open: Set<Socket> = []
        var listenerClosed = false
        /// Open connections by peer address.
        var perAddress: [String: Int] = [:]
    }

    private let listener: Socket
    private let limits: HTTPLimits
    private let maxConnections: Int
    private let maxConnectionsPerAddress: Int
    private let handler: Handler
    private let refusalObserver: Observer
    private let state = Mutex(State())
    private let finished = DispatchGroup()

    /// The bound port.
    let port: Int

    /// Binds `host:port`; `start()` begins accepting.
    init(
        host: String, port: Int, limits: HTTPLimits, maxConnections: Int, maxConnectionsPerAddress: Int = 16,
        handler: @escaping Handler, refusalObserver: @escaping Observer
    ) throws {
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        listener = try Socket.listen(host: host, port: port)
        self.port = listener.localPort
        self.limits = limits
        self.maxConnections = maxConnections
        self.handler = handler
        self.refusalObserver = refusalObserver
    }

    /// Starts the accept thread.
    func start() {
        finished.enter()
        NamedThread.start("central-accept") { [self] in
            acceptLoop()
            finished.leave()
        }
    }

    /// Stops accepting, shuts every open connection and waits (up to 5 s) for the threads.
    func stop() {
        let sockets = state.withLock { state -> [Socket] in
            let first = !state.stopping
            state.stopping = true
            return first ? Array(state.open) : []
        }
        for socket in sockets { socket.shutdown() }
        _ = finished.wait(timeout: .now() + 5)
        closeListener()
    }

    deinit { closeListener() }

    private func closeListener() {
        let close = state.withLock { state -> Bool in
            defer { state.listenerClosed = true }
            return !state.listenerClosed
        }
        if close { listener.close() }
    }

    private var isStopping: Bool { state.withLock { $0.stopping } }

    private func acceptLoop() {
        while !isStopping {
            guard let (socket, isLoopback, address) = listener.accept(timeoutMilliseconds: 100) else { continue }
            // One address may hold only its share: a slow client (slowloris) opening connections
            // from one address cannot take the slots of every kiosk.
            let refusal = state.withLock { state -> String? in
                guard !state.stopping, state.open.count < maxConnections else { return "too many connections" }
                guard state.perAddress[address, default: 0] < maxConnectionsPerAddress else {
                    return "too many connections from \(address) (limit \(maxConnectionsPerAddress))"
                }
                state.open.insert(socket)
                state.perAddress[address, default: 0] += 1
                return nil
            }
            if let refusal {
                socket.configureConnection(sendTimeoutSeconds: 2)
                let busy = HTTPResponse.error(503, refusal)
                var response = busy
                response.headers.append(("Retry-After", "1"))
                socket.writeAll(response.serialized(date: HTTPDate.now(), keepAlive: false))
                socket.close()
                refusalObserver("-", "-", 503)
                continue
            }
            finished.enter()
            NamedThread.start("central-conn", stackSize: 1 << 20) { [self] in
                let end = serve(socket, isLoopback: isLoopback)
                // Leave the open set before closing, so stop() never shuts a reused descriptor.
                state.withLock { state in
                    _ = state.open.remove(socket)
                    let left = state.perAddress[address, default: 1] - 1
                    state.perAddress[address] = left > 0 ? left : nil
                }
                switch end {
                case .close: socket.close()
                case .reset: socket.closeWithReset()
                }
                finished.leave()
            }
        }
    }

    /// How a connection ends.
    private enum ConnectionEnd {
        /// Normal close (FIN).
        case close
        /// TCP RST (`SO_LINGER` 0).
        case reset
    }

    /// Serves requests on one connection until it closes, fails, or asks to close.
    private func serve(_ socket: Socket, isLoopback: Bool) -> ConnectionEnd {
        socket.configureConnection(sendTimeoutSeconds: 10)
        var reader = HTTPRequestReader(socket: socket, limits: limits)
        while !isStopping {
            switch reader.next(fromLoopback: isLoopback) {
            case .finished, .abandoned:
                return .close
            case .refused(let status, let reason):
                var response = HTTPResponse.error(status, reason)
                response.closeConnection = true
                socket.writeAll(response.serialized(date: HTTPDate.now(), keepAlive: false))
                refusalObserver("-", "-", status)
                lingerBeforeClose(socket)
                return .close
            case .request(let request):
                switch handler(request) {
                case .respond(let response):
                    let keepAlive = request.keepAlive && !response.closeConnection && !isStopping
                    guard socket.writeAll(response.serialized(date: HTTPDate.now(), keepAlive: keepAlive)) else {
                        return .close
                    }
                    if !keepAlive {
                        lingerBeforeClose(socket)
                        return .close
                    }
                case .stall(let seconds):
                    let deadline = monotonicNanoseconds() + UInt64(seconds * 1e9)
                    while !isStopping && monotonicNanoseconds() < deadline { usleep(20_000) }
                    return .close
                case .reset:
                    return .reset
                case .raw(let bytes):
                    socket.writeAll(bytes)
                    return .close
                }
            }
        }
        return .close
    }

    /// After an answer with `Connection: close`: send FIN, then read and drop what the client
    /// still sends (briefly), so unread request bytes do not turn the close into an RST that
    /// could destroy the answer before the client reads it.
    private func lingerBeforeClose(_ socket: Socket) {
        socket.shutdownWrite()
        var scratch: [UInt8] = []
        let deadline = monotonicNanoseconds() + 2_000_000_000
        var drained = 0
        while drained < 16 << 20 {
            scratch.removeAll(keepingCapacity: true)
            switch socket.read(into: &scratch, maxBytes: 64 * 1024, deadline: deadline) {
            case .bytes(let n): drained += n
            default: return
            }
        }
    }
}
