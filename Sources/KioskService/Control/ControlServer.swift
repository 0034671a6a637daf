import Dispatch
import KioskControl
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

/// The kiosk's control socket: a Unix stream socket at `[Control] Socket=`, mode 0660, group
/// `[Control] Group=`, one JSON request per line and one JSON answer line each (see
/// docs/control-socket.md).
///
/// One thread (`kiosk-control`) serves the listening socket and every client with one `poll`
/// (``ControlEventLoop``), never the Swift concurrency pool: the thread count does not grow
/// with clients, idle or not. Requests reach the service through `ControlRequestHandling` as
/// tasks that hand their answers back through a bounded inbox. Writes to clients are bounded
/// in time: a stuck client is dropped, the service never waits.
public final class ControlServer: Sendable {
    /// Bounds on what clients may cost the service.
    public struct Limits: Sendable, Equatable {
        /// Request clients connected at once. When all are taken, the one that has waited
        /// longest without a request in service is closed (`idle-closed`) for the newcomer;
        /// only when all are in service is the newcomer answered `busy` and closed.
        public var maximumClients: Int
        /// Subscribers at once, a budget of their own; one more `subscribe` is answered `busy`.
        public var maximumSubscribers: Int
        /// A connection with no request in progress that sends nothing for this long is
        /// answered `idle-timeout` and closed (subscribers are exempt).
        public var idleTimeout: Duration
        /// A request line must arrive whole within this of its first byte, or it is answered
        /// `request-timeout` and the connection closed (a client trickling bytes holds no slot).
        public var requestTimeout: Duration
        /// A request line longer than this is answered `too-large` and the connection closed.
        public var maximumRequestBytes: Int
        /// How long one answer or event line may take to be written before the client is dropped.
        public var writeTimeout: Duration
        /// Events waiting for one subscriber before it is dropped as too slow.
        public var subscriberBacklog: Int

        /// The documented limits: 16 clients, 8 subscribers, 64 KiB requests, 30 s idle, 5 s
        /// per request line, 5 s writes, 1000 events.
        public init(
            maximumClients: Int = 16, maximumRequestBytes: Int = 65_536, writeTimeout: Duration = .seconds(5),
            subscriberBacklog: Int = 1000, maximumSubscribers: Int = 8, idleTimeout: Duration = .seconds(30),
            requestTimeout: Duration = .seconds(5)
        ) {
            self.maximumClients = maximumClients
            self.maximumSubscribers = maximumSubscribers
            self.idleTimeout = idleTimeout
            self.requestTimeout = requestTimeout
            self.maximumRequestBytes = maximumRequestBytes
            self.writeTimeout = writeTimeout
            self.subscriberBacklog = subscriberBacklog
        }

        var writeTimeoutNanoseconds: UInt64 { Self.nanoseconds(writeTimeout) }
        var idleTimeoutNanoseconds: UInt64 { Self.nanoseconds(idleTimeout) }
        var requestTimeoutNanoseconds: UInt64 { Self.nanoseconds(requestTimeout) }

        private static func nanoseconds(_ duration: Duration) -> UInt64 { duration.totalNanoseconds }
    }

    private struct Running {
        var stop: WakePipe
        /// Tasks waiting in ``stop()`` for the thread to end.
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// The socket's path.
    public let socketPath: String
    /// The group given access.
    public let group: String
    private let handler: any ControlRequestHandling
    private let logger: Logger
    private let limits: Limits
    private let running = Mutex<Running?>(nil)
    private let connections: ControlConnectionTable

    /// A server for `socketPath`; nothing happens until `start()`.
    public init(
        socketPath: String, group: String, handler: any ControlRequestHandling, logger: Logger,
        limits: Limits = Limits()
    ) {
        self.socketPath = socketPath
        self.group = group
        self.handler = handler
        self.logger = logger
        self.limits = limits
        self.connections = ControlConnectionTable(
            maximumClients: limits.maximumClients, maximumSubscribers: limits.maximumSubscribers)
    }

    /// The number of clients connected now.
    public var clientCount: Int { connections.count }

    /// Creates the socket (replacing a stale one), sets its mode and group, and starts
    /// accepting. Throws when another kioskd listens on the path or the socket cannot be made.
    public func start() throws(ControlServerError) {
        guard running.withLock({ $0 == nil }) else { return }
        let path = socketPath
        guard Array(path.utf8).count <= UnixStream.maximumPathBytes else { throw .pathTooLong(path) }
        try ControlSocketFile.prepareDirectory(for: path, group: group, logger: logger)
        try ControlSocketFile.removeStale(path, logger: logger)
        let listener: Int32
        do {
            listener = try UnixStream.makeSocket()
        } catch {
            throw .system(path, error)
        }
        let bound =
            UnixStream.withAddress(path) { address, length in bind(listener, address, length) == 0 ? 0 : errno }
            ?? ENAMETOOLONG
        guard bound == 0 else {
            close(listener)
            throw bound == EADDRINUSE ? .anotherServer(path) : .system(path, SystemError(bound, call: "bind"))
        }
        // Mode and group are set before listen(): until then nobody can connect.
        guard chmod(path, 0o660) == 0 else {
            let error = SystemError(errno, call: "chmod(0660)")
            close(listener)
            unlink(path)
            throw .system(path, error)
        }
        ControlSocketFile.applyGroup(group, to: path, logger: logger)
        guard listen(listener, Int32(limits.maximumClients + limits.maximumSubscribers)) == 0,
            let stop = try? WakePipe(), let inbox = try? ControlInbox(subscriberBacklog: limits.subscriberBacklog)
        else {
            let error = SystemError(errno, call: "listen")
            close(listener)
            unlink(path)
            throw .system(path, error)
        }
        UnixStream.setNonBlocking(listener)
        running.withLock { $0 = Running(stop: stop) }
        let loop = ControlEventLoop(
            listener: listener, stop: stop, inbox: inbox, handler: handler, logger: logger, limits: limits,
            table: connections, socketPath: path, socketInode: ControlSocketFile.inode(path) ?? 0)
        NamedThread.start("kiosk-control") { [self] in
            var running = loop
            running.run()
            ended()
        }
        logger.log(.notice, "control socket listening", [("path", path), ("group", group), ("mode", "0660")])
    }

    /// Closes the listener and every client, removes the socket file, and returns once the
    /// server's thread has ended: a client whose request is still with the service gets its
    /// answer first (for at most 2 s). Suspends the calling task; blocks no thread.
    public func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let stop = running.withLock { state -> WakePipe? in
                guard state != nil else { return nil }
                state!.waiters.append(continuation)
                return state!.stop
            }
            if let stop { stop.signal() } else { continuation.resume() }
        }
    }

    /// Asks the server to stop and returns at once: what ``stop()`` does, finished by the
    /// server's thread on its own (for code that cannot wait, such as a `defer`).
    public func requestStop() {
        running.withLock { $0?.stop }?.signal()
    }

    /// The server's thread has ended: a new `start()` may follow.
    private func ended() {
        let waiters = running.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state = nil }
            return state?.waiters ?? []
        }
        for waiter in waiters { waiter.resume() }
    }
}
