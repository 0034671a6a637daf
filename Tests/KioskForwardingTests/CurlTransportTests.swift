import Foundation
import KioskForwarding
import KioskSystem
import Testing

@Suite("CurlTransport over loopback sockets")
struct CurlTransportTests {
    @Test("the curl thread carries its name in ps -L, not its creator's")
    func curlThreadIsNamed() async throws {
        let server = try CannedHTTPServer(script: [.respond("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")])
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(timeout: 5))
        // Carried by the curl thread: it has started, and named itself first.
        let answer = try await transport.perform(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/"))
            .get()
        #expect(answer.status == 200)
        #expect(NamedThread.namesInProcess.contains("kiosk-curl"), "\(NamedThread.namesInProcess)")
    }

    @Test("answers come back with status, case-insensitive headers and body; the connection is reused")
    func keepAlive() async throws {
        let server = try CannedHTTPServer(script: [
            .respond("HTTP/1.1 200 OK\r\nX-Thing: one\r\nContent-Length: 5\r\n\r\nhello"),
            .respond("HTTP/1.1 503 Service Unavailable\r\nretry-after: 7\r\nContent-Length: 0\r\n\r\n"),
            .respond("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc"),
        ])
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(timeout: 5))
        let url = "http://127.0.0.1:\(server.port)/v1/events"
        let first = try await transport.perform(HTTPRequest(method: "POST", url: url, body: Array("{}".utf8))).get()
        #expect(first.status == 200)
        #expect(first.headers["x-thing"] == "one")
        #expect(first.headers["X-THING"] == "one")
        #expect(first.body == Array("hello".utf8))
        let second = try await transport.perform(HTTPRequest(method: "GET", url: url)).get()
        #expect(second.status == 503)
        #expect(second.headers["Retry-After"] == "7")
        let third = try await transport.perform(
            HTTPRequest(method: "POST", url: url, body: [UInt8](repeating: 65, count: 100_000))
        ).get()
        #expect(third.status == 201)
        #expect(server.connections == 1)
        let heads = server.requests
        #expect(heads.count == 3)
        #expect(heads[0].hasPrefix("POST /v1/events HTTP/1.1"))
        #expect(heads[1].hasPrefix("GET /v1/events HTTP/1.1"))
        // No Expect: 100-continue round trip even for a large body.
        #expect(!heads[2].lowercased().contains("expect:"))
    }

    @Test("a refused connection is told as such, with curl's text")
    func refused() async throws {
        let server = try CannedHTTPServer(script: [])
        let port = server.port
        server.stop()
        let transport = CurlTransport(configuration: .init(timeout: 5))
        let result = await transport.perform(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.kind == .connectionRefused)
        #expect(error.curlCode == 7)
        #expect(error.description.contains("127.0.0.1"))
    }

    @Test("a reset and a stall past the timeout are told apart")
    func resetAndTimeout() async throws {
        let server = try CannedHTTPServer(script: [.reset, .stall])
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(timeout: 0.5))
        let url = "http://127.0.0.1:\(server.port)/"
        let reset = await transport.perform(HTTPRequest(method: "POST", url: url, body: Array("x".utf8)))
        guard case .failure(let resetError) = reset else {
            Issue.record("expected a failure, got \(reset)")
            return
        }
        #expect(resetError.kind == .connectionReset)
        let stall = await transport.perform(HTTPRequest(method: "GET", url: url))
        guard case .failure(let stallError) = stall else {
            Issue.record("expected a failure, got \(stall)")
            return
        }
        #expect(stallError.kind == .timeout)
        #expect(stallError.curlCode == 28)
    }

    @Test("an answer over the size limit is cut off")
    func tooLarge() async throws {
        let server = try CannedHTTPServer(script: [.body(bytes: 200_000), .body(bytes: 1000)])
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(timeout: 5, maxResponseBytes: 100_000))
        let url = "http://127.0.0.1:\(server.port)/"
        let big = await transport.perform(HTTPRequest(method: "GET", url: url))
        guard case .failure(let error) = big else {
            Issue.record(
                "expected a failure, got \((try? big.get()).map { "\($0.status), \($0.body.count) bytes" } ?? "")")
            return
        }
        #expect(error.kind == .responseTooLarge)
        // The transport still works afterwards.
        let small = try await transport.perform(HTTPRequest(method: "GET", url: url)).get()
        #expect(small.body.count == 1000)
    }

    @Test("an unknown host is a DNS error and a bad scheme a configuration error")
    func dnsAndConfiguration() async throws {
        let transport = CurlTransport(configuration: .init(timeout: 5))
        let dns = await transport.perform(HTTPRequest(method: "GET", url: "http://no-such-host.invalid/"))
        guard case .failure(let dnsError) = dns else {
            Issue.record("expected a failure, got \(dns)")
            return
        }
        #expect(dnsError.kind == .dns)
        let scheme = await transport.perform(HTTPRequest(method: "GET", url: "file:///etc/passwd"))
        guard case .failure(let schemeError) = scheme else {
            Issue.record("expected a failure, got \(scheme)")
            return
        }
        #expect(schemeError.kind == .configuration)
    }

    @Test("a TLS failure is reported as TLS")
    func tls() async throws {
        // A plain-HTTP server spoken to over https: the handshake fails.
        let server = try CannedHTTPServer(script: [.immediate("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")])
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(timeout: 5))
        let result = await transport.perform(HTTPRequest(method: "GET", url: "https://127.0.0.1:\(server.port)/"))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.kind == .tls)
    }

    @Test("cancelling the caller aborts the transfer")
    func cancellation() async throws {
        let server = try CannedHTTPServer(script: [.stall])
        defer { server.stop() }
        let transport = CurlTransport(configuration: .init(timeout: 30))
        let url = "http://127.0.0.1:\(server.port)/"
        let task = Task { await transport.perform(HTTPRequest(method: "GET", url: url)) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.value
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.detail == "request cancelled")
    }
}
