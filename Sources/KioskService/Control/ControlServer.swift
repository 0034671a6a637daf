import Dispatch
import Foundation
import KioskSystem
import Synchronization

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
        /// Clients served at once; one more is answered `busy` and closed.
        public var maximumClients: Int
        /// A request line longer than this is answered `too-large` and the connection closed.
        public var maximumRequestBytes: Int
        /// How long one answer or event line may take to be written before the client is dropped.
        public var writeTimeout: Duration
        /// Events waiting for one subscriber before it is dropped as too slow.
        public var subscriberBacklog: Int

        /// The documented limits: 16 clients, 64 KiB requests, 5 s writes, 1000 events.
        public init(
            maximumClients: Int = 16, maximumRequestBytes: Int = 65_536, writeTimeout: Duration = .seconds(5),
            subscriberBacklog: Int = 1000
        ) {
            self.maximumClients = maximumClients
            self.maximumRequestBytes = maximumRequestBytes
            self.writeTimeout = writeTimeout
            self.subscriberBacklog = subscriberBacklog
        }

        var writeTimeoutNanoseconds: UInt64 {
            let (seconds, attoseconds) = writeTimeout.components
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
    private let activeClients = Mutex(0)
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
    }

    /// The number of clients connected now.
    public var clientCount: Int { activeClients.withLock { $0 } }

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
        guard listen(listener, Int32(limits.maximumClients)) == 0, let stop = try? WakePipe() else {
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
        let thread = Thread { [self] in
            acceptLoop(listener: listener, stop: stop)
            close(listener)
            acceptDone.signal()
        }
        thread.name = "control-accept"
        thread.start()
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
        let admitted = activeClients.withLock { count in
            guard count < limits.maximumClients else { return false }
            count += 1
            return true
        }
        guard admitted else {
            logger.log(
                .warning, "control client refused",
                [("reason", "busy"), ("limit", String(limits.maximumClients))] + fields)
            UnixStream.setNonBlocking(fd)
            let answer = ControlValue.error(
                "busy", "too many control clients (\(limits.maximumClients)); try again later")
            _ = UnixStream.write(
                Array((answer.json + "\n").utf8), to: fd, deadline: monotonicNanoseconds() + 100_000_000)
            close(fd)
            return
        }
        logger.log(.info, "control client connected", fields)
        let connection = ControlConnection(
            fd: fd, peer: peer, handler: handler, logger: logger, stop: stop, limits: limits)
        clientThreads.enter()
        let thread = Thread { [self] in
            connection.run()
            activeClients.withLock { $0 -= 1 }
            clientThreads.leave()
        }
        thread.name = "control-client"
        thread.start()
    }
}
