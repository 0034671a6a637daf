import KioskSystem
import Synchronization
import Testing

@testable import KioskForwarding

#if canImport(Glibc)
    import Glibc
#endif

/// A name server that never answers: every lookup blocks until the test releases it (at the
/// test's end, so no thread outlives it for long), and says when it has started.
private final class HangingResolver: Sendable {
    let release: WakePipe
    let started: AsyncStream<String>
    private let announce: AsyncStream<String>.Continuation
    private let count = Mutex(0)

    init() throws {
        release = try WakePipe()
        (started, announce) = AsyncStream.makeStream(of: String.self)
    }

    /// The seam handed to the transport.
    var resolve: HostLookup.Resolve {
        { [self] host, _ in
            count.withLock { $0 += 1 }
            announce.yield(host)
            _ = try? waitForDescriptor(release.readEnd)
            return .failure(HostLookup.Failure(reason: "released by the test"))
        }
    }

    /// Lookups started so far.
    var calls: Int { count.withLock { $0 } }
}

@Suite("Host name lookup bounded by the connect timeout")
struct HostLookupTests {
    @Test(
        "a resolver that never answers fails the request at the connect timeout, naming the host and what to check",
        .timeLimit(.minutes(1)))
    func resolverNeverAnswers() async throws {
        let resolver = try HangingResolver()
        defer { resolver.release.signal() }
        let transport = CentralHTTPTransport(
            configuration: .init(timeout: 30, connectTimeout: 1), resolve: resolver.resolve)
        let url = "http://central.kiosk.test:8080/v1/events"
        for _ in 0..<2 {
            let result = await transport.perform(HTTPRequest(method: "POST", url: url, body: Array("{}".utf8)))
            guard case .failure(let error) = result else {
                Issue.record("expected a failure, got \(result)")
                return
            }
            #expect(error.kind == .dns)
            #expect(error.detail.contains("central.kiosk.test"), "\(error.detail)")
            #expect(error.detail.contains("the resolver did not answer within 1 s"), "\(error.detail)")
            #expect(error.detail.contains("/etc/resolv.conf"), "\(error.detail)")
            #expect(error.detail.contains("[Central] URL= by IP address"), "\(error.detail)")
        }
        // The second request waited for the lookup still running; it did not start another.
        #expect(resolver.calls == 1)
    }

    @Test(
        "cancelling a request while the lookup hangs returns at once and frees the transport's thread",
        .timeLimit(.minutes(1)))
    func cancelDuringLookup() async throws {
        let resolver = try HangingResolver()
        defer { resolver.release.signal() }
        let server = try CannedHTTPServer(script: [.respond("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")])
        defer { server.stop() }
        // Limits far beyond the test's: only the cancel can end the first request.
        let transport = CentralHTTPTransport(
            configuration: .init(timeout: 600, connectTimeout: 600), resolve: resolver.resolve)
        let stuck = Task { await transport.perform(HTTPRequest(method: "GET", url: "http://central.kiosk.test/")) }
        for await host in resolver.started {
            #expect(host == "central.kiosk.test")
            break
        }
        stuck.cancel()
        let result = await stuck.value
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.detail == "request cancelled")
        // The lookup still hangs, yet the transport carries the next request; an IP address
        // is converted without the resolver.
        let answer = try await transport.perform(
            HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/")
        ).get()
        #expect(answer.body == Array("ok".utf8))
        #expect(resolver.calls == 1)
    }

    @Test("a name is looked up by the system's resolver on the lookup thread (localhost)", .timeLimit(.minutes(1)))
    func systemLookup() async throws {
        let server = try CannedHTTPServer(script: [.respond("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")])
        defer { server.stop() }
        let transport = CentralHTTPTransport(configuration: .init(timeout: 10))
        let answer = try await transport.perform(HTTPRequest(method: "GET", url: "http://localhost:\(server.port)/"))
            .get()
        #expect(answer.status == 200)
        #expect(systemAddresses(of: "127.0.0.1", port: 80, flags: AI_NUMERICHOST).map(\.count) == .success(1))
        #expect(throws: HostLookup.Failure.self) {
            try systemAddresses(of: "localhost", port: 80, flags: AI_NUMERICHOST).get()
        }
    }
}
