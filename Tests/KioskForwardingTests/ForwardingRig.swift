import Foundation
import KioskCentral
import KioskDomain
import KioskForwarding
import KioskProtocol
import KioskStore
import KioskSystem
import Synchronization

/// A kiosk clock for tests: the wall clock plus an adjustable offset; waits are recorded and
/// not slept, and a hook runs after each wait (e.g. to fix the clock, or to stop the run).
final class TestClock: Sendable {
    struct State {
        var offset: Int64 = 0
        var waits: [Double] = []
        var maxWaits = Int.max
    }
    let state = Mutex(State())

    init(offset: Int64 = 0, maxWaits: Int = Int.max) {
        state.withLock {
            $0.offset = offset
            $0.maxWaits = maxWaits
        }
    }

    var waits: [Double] { state.withLock { $0.waits } }
    func setOffset(_ offset: Int64) { state.withLock { $0.offset = offset } }

    var clock: ForwardingClock {
        ForwardingClock(
            now: { [self] in
                Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970) + state.withLock { $0.offset })
            },
            sleep: { [self] seconds in
                let stop = state.withLock {
                    $0.waits.append(seconds)
                    return $0.waits.count > $0.maxWaits
                }
                if stop { throw CancellationError() }
                await Task.yield()
            })
    }
}

/// Wraps the real curl transport and records what went through it.
final class SpyTransport: HTTPTransport {
    let inner: any HTTPTransport
    let seen = Mutex<[(method: String, url: String, events: Int)]>([])

    init(_ inner: any HTTPTransport) {
        self.inner = inner
    }

    func perform(_ request: HTTPRequest) async -> Result<HTTPResponse, TransportError> {
        let events = String(decoding: request.body, as: UTF8.self).components(separatedBy: #""seq":"#).count - 1
        seen.withLock { $0.append((request.method, request.url, events)) }
        return await inner.perform(request)
    }

    /// Events per POST, in order.
    var batchSizes: [Int] { seen.withLock { $0.filter { $0.method == "POST" }.map(\.events) } }
    var urls: [String] { seen.withLock { $0.map(\.url) } }
}

/// A kiosk store in a temporary directory, a real central server on loopback, and the
/// real curl transport between them.
struct ForwardingRig {
    static let kioskId = "YB-VANYEN-01"
    static let key = try! KioskKey(bytes: Array("0123456789abcdef0123456789abcdef-test-key".utf8))

    let directory: String
    let store: KioskStore
    let server: CentralServer
    let spy: SpyTransport
    let clock: TestClock
    let client: CentralClient

    init(timeout: Double = 30, clock: TestClock = TestClock(), signingKey: KioskKey = ForwardingRig.key) throws {
        directory = NSTemporaryDirectory() + "kiosk-forwarding-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try KioskStore(path: directory + "/kiosk.sqlite")
        server = try CentralServer(
            configuration: .init(databasePath: directory + "/central.sqlite", kiosks: [Self.kioskId: Self.key]))
        try server.start()
        spy = SpyTransport(CentralHTTPTransport(configuration: .init(timeout: timeout)))
        self.clock = clock
        client = CentralClient(
            baseURL: "http://127.0.0.1:\(server.port)", signer: RequestSigner(kioskId: Self.kioskId, key: signingKey),
            transport: spy, clock: clock.clock)
    }

    func forwarder(
        batchSize: Int = 100, seed: UInt64 = 1, successesBeforeGrowing: Int = 16, logger: Logger = .discarding
    ) -> Forwarder {
        Forwarder(
            store: store, client: client,
            configuration: ForwarderConfiguration(batchSize: batchSize, successesBeforeGrowing: successesBeforeGrowing),
            clock: clock.clock, random: SeededRandom(seed: seed), logger: logger)
    }

    /// Writes `count` valid dossier.received events (plus `extra` raw ones) in one transaction.
    @discardableResult
    func fill(_ count: Int, from start: Int = 0) async throws -> [OutboxEvent] {
        let now = Timestamp(unixSeconds: Int64(Date().timeIntervalSince1970))
        return try await store.appendEvents(
            (start..<start + count).map { (type: "dossier.received", data: sampleDossier($0), occurredAt: now) })
    }

    /// Events requests made to /v1/events, by status (0 = no answer).
    func eventRequests() -> Int { server.statistics.count(route: "/v1/events") }

    /// Checks that the server holds exactly the kiosk's events 1…n once each, in order.
    func expectAllStoredOnce(_ n: Int) throws -> Bool {
        let stored = try server.storedEvents(kiosk: Self.kioskId)
        return stored.map(\.seq) == (1...Int64(n)).map { $0 } && Set(stored.map(\.id)).count == n
    }

    func tearDown() async {
        // Stopping waits for the receiver's connection threads: on a thread of its own, never
        // on the pool the forwarder's tasks need.
        let server = self.server
        _ = try? await NamedThread.run("test-central") { server.stop() }
        await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The waits a fresh backoff with this seed would choose (base 1 s, cap 300 s).
    static func expectedWaits(seed: UInt64, count: Int) -> [Double] {
        var backoff = Backoff(random: SeededRandom(seed: seed))
        return (0..<count).map { _ in backoff.nextDelay() }
    }
}

/// A realistic dossier.received payload of about 1 KB (fictitious person).
func sampleDossier(_ i: Int, procedure: String = "1.001234") -> [UInt8] {
    let code = "YBVY01-261121-\(String(format: "%04d", i % 10000))-K"
    let text = """
        {"code":"\(code)","procedure":{"code":"\(procedure)","name":"Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam"},\
        "applicant":{"idNumber":"0010940\(String(format: "%05d", i % 100000))","name":"Nguyễn Thị Minh Khai Phương","birthDate":"1995-03-14","gender":"Nữ",\
        "address":"Số nhà 17, ngõ 42, tổ dân phố 3, thị trấn Mậu A, huyện Văn Yên, tỉnh Yên Bái"},\
        "receivedAt":"2026-11-21T09:15:02+07:00","dueDate":"2026-11-28","fee":{"amount":200000,"currency":"VND"},\
        "delivery":{"method":"post","address":"Số nhà 17, ngõ 42, tổ dân phố 3, thị trấn Mậu A, huyện Văn Yên, tỉnh Yên Bái, Việt Nam"},\
        "postalItem":"EA\(String(format: "%08d", i % 100_000_000))5VN","office":"Bưu điện huyện Văn Yên, tỉnh Yên Bái — điểm phục vụ hành chính công một cửa",\
        "note":"Hồ sơ gồm: tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (mẫu số 03/2013/TT-LLTP), bản chụp căn cước công dân, bản chụp giấy tờ chứng minh nơi thường trú; người yêu cầu đã nộp đủ lệ phí."}
        """
    return Array(text.utf8)
}

/// The `error` fields of the `forward.failed` lines a forwarder logged, in order.
final class FailureLog: Sendable {
    private let errors = Mutex<[String]>([])

    var logger: Logger {
        Logger(minimum: .debug) { [self] line in
            guard line.event == "forward.failed", let error = line.value(of: "error") else { return }
            errors.withLock { $0.append(error) }
        }
    }

    var all: [String] { errors.withLock { $0 } }
}
