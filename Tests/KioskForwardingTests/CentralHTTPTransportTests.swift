import Foundation
import KioskForwarding
import KioskSystem
import Testing

@Suite("CentralHTTPTransport over loopback sockets")
struct CentralHTTPTransportTests {
    @Test("the transport's thread carries its name in ps -L, not its creator's")
    func curlThreadIsNamed() async throws {
        let server = try CannedHTTPServer(script: [.respond("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")])
        defer { server.stop() }
        let transport = CentralHTTPTransport(configuration: .init(timeout: 5))
        // Carried by the transport's thread: it has started, and named itself first.
        let answer = try await transport.perform(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/"))
            .get()
        #expect(answer.status == 200)
        #expect(NamedThread.namesInProcess.contains("kiosk-http"), "\(NamedThread.namesInProcess)")
    }

    @Test("answers come back with status, case-insensitive headers and body; the connection is reused")
    func keepAlive() async throws {
        let server = try CannedHTTPServer(script: [
            .respond("HTTP/1.1 200 OK\r\nX-Thing: one\r\nContent-Length: 5\r\n\r\nhello"),
            .respond("HTTP/1.1 503 Service Unavailable\r\nretry-after: 7\r\nContent-Length: 0\r\n\r\n"),
            .respond("HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc"),
        ])
        defer { server.stop() }
        let transport = CentralHTTPTransport(configuration: .init(timeout: 5))
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

    @Test("a refused connection is told as such, with the system's text")
    func refused() async throws {
        let server = try CannedHTTPServer(script: [])
        let port = server.port
        server.stop()
        let transport = CentralHTTPTransport(configuration: .init(timeout: 5))
        let result = await transport.perform(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/"))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.kind == .connectionRefused)
        #expect(error.detail.contains("Connection refused"), "\(error)")
        #expect(error.description.contains("127.0.0.1"))
    }

    @Test("a reset and a stall past the timeout are told apart")
    func resetAndTimeout() async throws {
        let server = try CannedHTTPServer(script: [.reset, .stall])
        defer { server.stop() }
        let transport = CentralHTTPTransport(configuration: .init(timeout: 0.5))
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
        #expect(stallError.detail.contains("within 500 ms"), "\(stallError)")
    }

    @Test("an answer over the size limit is cut off")
    func tooLarge() async throws {
        let server = try CannedHTTPServer(script: [.body(bytes: 200_000), .body(bytes: 1000)])
        defer { server.stop() }
        let transport = CentralHTTPTransport(configuration: .init(timeout: 5, maxResponseBytes: 100_000))
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
        let transport = CentralHTTPTransport(configuration: .init(timeout: 5))
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
        let transport = CentralHTTPTransport(configuration: .init(timeout: 5))
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
        let transport = CentralHTTPTransport(configuration: .init(timeout: 30))
        let url = "http://127.0.0.1:\(server.port)/"
        let task = Task { await transport.perform(HTTPRequest(method: "GET", url: url)) }
        // Cancelled once the request is in flight: the server has read it and holds its answer.
        let deadline = ContinuousClock.now + .seconds(30)
        while server.requests.isEmpty && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(server.requests.count == 1, "the request never reached the server")
        task.cancel()
        let result = await task.value
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.detail == "request cancelled")
    }

    @Test("a chunked answer is put together, trailers dropped, and the connection reused")
    func chunked() async throws {
        let server = try CannedHTTPServer(script: [
            .respond(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Thing: one\r\n\r\n"
                    + "5;note=ignored\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"),
            .respond("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ])
        defer { server.stop() }
        let transport = CentralHTTPTransport(configuration: .init(timeout: 5))
        let url = "http://127.0.0.1:\(server.port)/v1/x"
        let first = try await transport.perform(HTTPRequest(method: "GET", url: url)).get()
        #expect(first.status == 200)
        #expect(first.body == Array("hello world".utf8))
        #expect(first.headers["x-thing"] == "one")
        let second = try await transport.perform(HTTPRequest(method: "GET", url: url)).get()
        #expect(second.body.isEmpty)
        #expect(server.connections == 1)
    }

    @Test("an answer cut short by the peer is a reset, whole or chunked; one without a length ends with the stream")
    func peerClosesMidAnswer() async throws {
        let server = try CannedHTTPServer(script: [
            .respondThenClose("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part"),
            .respondThenClose("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort"),
            .respondThenClose("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it"),
            .respondThenClose("HTTP/1.1 200 OK\r\nContent-Len"),
        ])
        defer { server.stop() }
        let transport = CentralHTTPTransport(configuration: .init(timeout: 5))
        let url = "http://127.0.0.1:\(server.port)/"
        for expected in ["91 of 100 bytes of the answer missing", "before the answer's last chunk"] {
            let result = await transport.perform(HTTPRequest(method: "POST", url: url, body: Array("{}".utf8)))
            guard case .failure(let error) = result else {
                Issue.record("expected a failure, got \(result)")
                continue
            }
            #expect(error.kind == .connectionReset)
            #expect(error.detail.contains(expected), "\(error)")
        }
        let untilClose = try await transport.perform(HTTPRequest(method: "GET", url: url)).get()
        #expect(untilClose.body == Array("all of it".utf8))
        let cutHead = await transport.perform(HTTPRequest(method: "GET", url: url))
        guard case .failure(let error) = cutHead else {
            Issue.record("expected a failure, got \(cutHead)")
            return
        }
        #expect(error.kind == .connectionReset)
        #expect(server.connections == 4)
    }

    @Test("a peer that answers too slowly is cut off at the whole request's timeout")
    func slowPeer() async throws {
        let server = try CannedHTTPServer(script: [
            .trickle(
                "HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n" + String(repeating: "x", count: 40),
                interval: .milliseconds(50))
        ])
        defer { server.stop() }
        let transport = CentralHTTPTransport(configuration: .init(timeout: 0.5))
        let result = await transport.perform(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/"))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        // Bytes kept coming (every 50 ms), so only a limit on the whole exchange stops it.
        #expect(error.kind == .timeout)
        #expect(error.detail.contains("no complete answer"), "\(error)")
    }

    @Test("the request carries Host, the caller's fields and Content-Length, and nothing is sent twice")
    func requestHead() async throws {
        let server = try CannedHTTPServer(script: [.reset])
        defer { server.stop() }
        let transport = CentralHTTPTransport(configuration: .init(timeout: 5))
        let url = "http://127.0.0.1:\(server.port)/v1/events?x=1#fragment"
        _ = await transport.perform(
            HTTPRequest(
                method: "POST", url: url, headers: HTTPHeaders([("Authorization", "KIOSK-HMAC a")]),
                body: Array("{}".utf8)))
        let heads = server.requests
        #expect(heads.count == 1)
        let lines = heads.first?.split(separator: "\r\n").map(String.init) ?? []
        #expect(lines.first == "POST /v1/events?x=1 HTTP/1.1")
        #expect(lines.contains("Host: 127.0.0.1:\(server.port)"))
        #expect(lines.contains("Authorization: KIOSK-HMAC a"))
        #expect(lines.contains("Content-Length: 2"))
    }
}
