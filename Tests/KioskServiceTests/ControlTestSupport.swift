import Foundation
import KioskSystem
import Synchronization
import Testing

@testable import KioskControl
@testable import KioskService

#if canImport(Glibc)
    import Glibc
#endif

/// A service stand-in that records every call and answers with what it was asked.
final class RecordingControlHandler: ControlRequestHandling {
    private let calls = Mutex<[String]>([])
    private let continuations = Mutex<[AsyncStream<ControlValue>.Continuation]>([])
    private let released = Mutex(0)
    private let subscribed = Mutex(0)

    var recordedCalls: [String] { calls.withLock { $0 } }
    var releasedStreams: Int { released.withLock { $0 } }
    var subscriptions: Int { subscribed.withLock { $0 } }

    private func record(_ call: String) -> ControlValue {
        calls.withLock { $0.append(call) }
        return .ok(["call": .string(call)])
    }

    func status() async -> ControlValue { record("status") }
    func queue(limit: Int) async -> ControlValue { record("queue(limit: \(limit))") }
    func requeue(id: String?, all: Bool) async -> ControlValue { record("requeue(id: \(id ?? "nil"), all: \(all))") }
    func testPrint() async -> ControlValue { record("testPrint") }
    func reprint(code: String) async -> ControlValue { record("reprint(code: \(code))") }
    func lookup(code: String, print: Bool) async -> ControlValue { record("lookup(code: \(code), print: \(print))") }
    func intake(idCardQR: String, procedureCode: String) async -> ControlValue {
        record("intake(idCardQR: \(idCardQR), procedureCode: \(procedureCode))")
    }
    func scan(text: String) async -> ControlValue { record("scan(text: \(text))") }

    func subscribe() async -> AsyncStream<ControlValue> {
        let (stream, continuation) = AsyncStream.makeStream(of: ControlValue.self, bufferingPolicy: .unbounded)
        continuation.onTermination = { [self] _ in released.withLock { $0 += 1 } }
        continuations.withLock { $0.append(continuation) }
        subscribed.withLock { $0 += 1 }
        _ = record("subscribe")
        return stream
    }

    /// Sends an event to every subscriber.
    func emit(_ event: ControlValue) {
        for continuation in continuations.withLock({ $0 }) { continuation.yield(event) }
    }

    /// Ends every subscriber's stream from the service's side.
    func finishStreams() {
        for continuation in continuations.withLock({ $0 }) { continuation.finish() }
    }
}

/// Collects log lines.
final class LogRecorder: Sendable {
    private final class Lines: Sendable { let value = Mutex<[String]>([]) }
    private let lines: Lines
    let logger: Logger
    var all: [String] { lines.value.withLock { $0 } }

    init() {
        let lines = Lines()
        self.lines = lines
        logger = Logger(minimum: .debug) { line in lines.value.withLock { $0.append(line) } }
    }
}

/// A short temporary directory (socket paths must fit in 108 bytes).
final class SocketDirectory: Sendable {
    let path: String

    init() {
        var template = Array("/tmp/ctl-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    var socket: String { path + "/control.sock" }

    deinit {
        _ = try? FileManager.default.removeItem(atPath: path)
    }
}

/// A server on a fresh socket with a recording handler, stopped by `close()`.
struct ControlRig {
    let directory = SocketDirectory()
    let handler = RecordingControlHandler()
    let log = LogRecorder()
    let server: ControlServer

    init(limits: ControlServer.Limits = ControlServer.Limits(), group: String = "no-such-group-kiosk") throws {
        server = ControlServer(
            socketPath: directory.socket, group: group, handler: handler, logger: self.log.logger, limits: limits)
        try server.start()
    }

    var client: ControlClient {
        ControlClient(socketPath: directory.socket, group: "kiosk-tech", timeout: .seconds(120))
    }

    func raw() throws -> RawControlConnection { try RawControlConnection(path: directory.socket) }
}

/// A client that sends any bytes and reads lines, for framing tests.
final class RawControlConnection {
    let fd: Int32
    private var buffer = ControlLineBuffer(maximumLineBytes: 16 << 20)

    init(path: String) throws {
        fd = try UnixStream.connect(to: path)
    }

    deinit { close(fd) }

    /// Writes all bytes (blocking).
    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 { return }
            offset += n
        }
    }

    func send(_ line: String) { send(Array((line + "\n").utf8)) }

    /// The next line, or nil at end of input. A 120 s failsafe (the whole suite on 2 cores is slow) ends a hung test with nil.
    func line() -> String? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            switch buffer.next() {
            case .line(let line): return String(decoding: line, as: UTF8.self)
            case .tooLarge: return nil
            case .needMore: break
            }
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 120_000) > 0 else { return nil }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return nil }
            chunk.withUnsafeBytes { buffer.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
    }

    /// The next line parsed.
    func answer() -> ControlValue? { line().flatMap { try? ControlValue.parse(Array($0.utf8)) } }

    /// Shuts down writing (the server sees end of input).
    func finishSending() { shutdown(fd, Int32(SHUT_WR)) }
}

/// Runs blocking socket work on a thread of its own, so tests never block the concurrency
/// pool the server's request tasks need.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread {
            continuation.resume(with: Result { try body() })
        }.start()
    }
}

/// Waits (on a thread) until `condition` holds; a failsafe keeps a broken test from
/// hanging (120 s). Returns whether it held.
func eventually(_ condition: @escaping @Sendable () -> Bool) async -> Bool {
    (try? await onThread {
        for _ in 0..<12_000 {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }) ?? false
}

extension ControlValue {
    static func request(_ name: String, _ fields: [String: ControlValue] = [:]) -> ControlValue {
        var all = fields
        all["request"] = .string(name)
        return .object(all)
    }
}
