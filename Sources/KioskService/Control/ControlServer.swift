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
/// Accepting runs on its own thread and every client on another (at most
/// `Limits.maximumClients`), all blocked in `poll` with a wake pipe to stop them, never on the
/// Swift concurrency pool. Requests reach the service through `ControlRequestHandling`.
/// Writes to clients are bounded in time: a stuck client is dropped, the service never waits.
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

        private static func nanoseconds(_ duration: Duration) -> UInt64 {
            let (seconds, attoseconds) = duration.components
            return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        }
    }

    private struct Running {
        var stop: WakePipe
        var acceptDone: DispatchSemaphore
        var socketInode: UInt
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
    private let clientThreads = DispatchGroup()

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
            let stop = try? WakePipe()
        else {
            let error = SystemError(errno, call: "listen")
            close(listener)
            unlink(path)
            throw .system(path, error)
        }
        UnixStream.setNonBlocking(listener)
        let acceptDone = DispatchSemaphore(value: 0)
        running.withLock {
            $0 = Running(stop: stop, acceptDone: acceptDone, socketInode: ControlSocketFile.inode(path) ?? 0)
        }
        DetachedThread.start(name: "control-accept") { [self] in
            acceptLoop(listener: listener, stop: stop)
            close(listener)
            acceptDone.signal()
        }
        logger.log(.notice, "control socket listening", [("path", path), ("group", group), ("mode", "0660")])
    }

    /// Closes the listener and every client, removes the socket file. Blocks until the
    /// accept thread has ended and (for at most 2 s) until client threads have: a client
    /// whose request is still being handled closes when the service answers it.
    public func stop() {
        guard
            let state = running.withLock({ current -> Running? in
                defer { current = nil }
                return current
            })
        else { return }
        state.stop.signal()
        state.acceptDone.wait()
        // Only our own socket file: another kioskd may have replaced it meanwhile.
        if ControlSocketFile.inode(socketPath) == state.socketInode { unlink(socketPath) }
        if clientThreads.wait(timeout: .now() + .seconds(2)) == .timedOut {
            logger.log(.warning, "control socket stopped with clients still busy", [("clients", String(clientCount))])
        }
        logger.log(.info, "control socket closed", [("path", socketPath)])
    }

    private func acceptLoop(listener: Int32, stop: WakePipe) {
        var entries = [
            pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stop.readEnd, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            for i in entries.indices { entries[i].revents = 0 }
            let ready = poll(&entries, 2, -1)
            if ready < 0 && errno != EINTR { return }
            if entries[1].revents != 0 { return }
            guard entries[0].revents != 0 else { continue }
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EMFILE || errno == ENFILE {
                    // Out of descriptors: wait a little instead of spinning on a readable listener.
                    logger.log(.warning, "control socket cannot accept", [("reason", "out of file descriptors")])
                    _ = poll(&entries[1], 1, 200)
                }
                continue
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            admit(fd, stop: stop)
        }
    }

    private func admit(_ fd: Int32, stop: WakePipe) {
        let peer = UnixStream.peerCredentials(fd)
        let fields =
            peer.map { [("pid", String($0.pid)), ("uid", String($0.uid)), ("gid", String($0.gid))] } ?? [
                ("pid", "unknown")
            ]
        let notice = ControlValue.error(
            "idle-closed",
            "closed to make room for another control client (all \(limits.maximumClients) slots taken); reconnect when needed"
        )
        guard let id = connections.admit(fd, notice: Array((notice.json + "\n").utf8)) else {
            logger.log(
                .warning, "control client refused",
                [("reason", "busy"), ("limit", String(limits.maximumClients))] + fields)
            UnixStream.setNonBlocking(fd)
            let answer = ControlValue.error(
                "busy", "all \(limits.maximumClients) control clients have a request in progress; try again shortly")
            _ = UnixStream.write(
                Array((answer.json + "\n").utf8), to: fd, deadline: monotonicNanoseconds() + 100_000_000)
            close(fd)
            return
        }
        logger.log(.info, "control client connected", fields)
        let connection = ControlConnection(
            fd: fd, peer: peer, handler: handler, logger: logger, stop: stop, limits: limits, id: id,
            table: connections)
        clientThreads.enter()
        DetachedThread.start(name: "control-client") { [self] in
            connection.run()
            clientThreads.leave()
        }
    }
}
