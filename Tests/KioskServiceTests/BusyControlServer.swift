import Synchronization

@testable import KioskControl
@testable import KioskService

/// A control server whose one client slot is held by a `status` request its handler keeps
/// waiting: the server is busy, not merely holding an idle client (that one would be closed
/// to make room). The setup of every "busy" test; `release()` lets the held request finish.
struct BusyControlServer {
    let directory = SocketDirectory()
    let handler = GatedStatusHandler()
    let server: ControlServer
    private let held: Held

    /// The socket's path.
    var socket: String { directory.socket }

    private init() throws {
        server = ControlServer(
            socketPath: directory.socket, group: "no-such-group-kiosk", handler: handler,
            logger: LogRecorder().logger, limits: ControlServer.Limits(maximumClients: 1))
        try server.start()
        held = Held(try RawControlConnection(path: directory.socket))
    }

    /// A server with its one slot busy (the held request is waiting in the handler).
    static func start() async throws -> BusyControlServer {
        let busy = try BusyControlServer()
        busy.held.connection.send(#"{"request":"status"}"#)
        let handler = busy.handler
        guard await eventually({ handler.waiting }) else {
            busy.stop()
            throw ControlClientError(.other, "the held status request never reached the handler")
        }
        return busy
    }

    /// Opens the gate and reads the held request's answer.
    func release() async throws -> ControlValue? {
        handler.open()
        let held = self.held
        return try await onThread { held.connection.answer() }
    }

    /// Opens the gate (if the test did not) and stops the server.
    func stop() {
        handler.open()
        server.requestStop()
    }
}

/// A connection handed to a test thread.
final class Held: @unchecked Sendable {
    // @unchecked Sendable: used by one thread at a time (the test waits for each step).
    let connection: RawControlConnection
    init(_ connection: RawControlConnection) { self.connection = connection }
}

/// Answers `status` only once the test opens the gate; everything else at once.
final class GatedStatusHandler: ControlRequestHandling, Sendable {
    private let gate = Mutex<(open: Bool, waiting: Bool)>((false, false))

    var waiting: Bool { gate.withLock { $0.waiting } }
    func open() { gate.withLock { $0.open = true } }

    func status() async -> ControlValue {
        gate.withLock { $0.waiting = true }
        while !gate.withLock({ $0.open }) { try? await Task.sleep(for: .milliseconds(10)) }
        return .ok(["service": .string("running")])
    }
    func queue(limit: Int) async -> ControlValue { .ok([:]) }
    func requeue(id: String?, all: Bool) async -> ControlValue { .ok([:]) }
    func release(job: Int64?, all: Bool) async -> ControlValue { .ok([:]) }
    func testPrint() async -> ControlValue { .ok([:]) }
    func reprint(code: String) async -> ControlValue { .ok([:]) }
    func lookup(code: String, print: Bool) async -> ControlValue { .ok([:]) }
    func intake(idCardQR: String, procedureCode: String) async -> ControlValue { .ok([:]) }
    func scan(text: String) async -> ControlValue { .ok([:]) }
    func subscribe() async -> AsyncStream<ControlValue> { AsyncStream { _ in } }
}
