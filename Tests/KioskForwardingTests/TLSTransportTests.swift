import Foundation
import KioskForwarding
import KioskTestSupport
import Testing

/// `CentralHTTPTransport` against a real TLS server on loopback (Python's ssl module, with
/// certificates made by `openssl`): trust only of the configured CA, the name checked against
/// the certificate, SNI, and mutual TLS.
@Suite("CentralHTTPTransport over TLS")
struct TLSTransportTests {
    @Test("the server's own CA in CAFile= or CAPath= is trusted; another CA is refused before any request")
    func trustIsTheConfiguredCA() async throws {
        let directory = try TemporaryDirectory()
        let certificates = try await TestCertificates(in: directory.path)
        let server = try await TLSTestServer(
            certificate: certificates.path("server.pem"), key: certificates.path("server.key"))
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/v1/health"

        let trusted = CentralHTTPTransport(configuration: .init(caFile: certificates.path("caB.pem"), timeout: 10))
        let answer = try await trusted.perform(HTTPRequest(method: "GET", url: url)).get()
        #expect(answer.status == 200)
        #expect(answer.body == Array("tls-ok".utf8))
        #expect(await server.waitFor("request GET /v1/health HTTP/1.1"))

        let hashed = directory.path + "/hashed-b"
        try FileManager.default.createDirectory(atPath: hashed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: certificates.path("caB.pem"), toPath: "\(hashed)/caB.pem")
        try await runTool("openssl", "rehash", hashed)
        let byPath = CentralHTTPTransport(configuration: .init(timeout: 10, caPath: hashed))
        #expect(try await byPath.perform(HTTPRequest(method: "GET", url: url)).get().status == 200)

        let requestsBefore = server.lines.filter { $0.hasPrefix("request") }.count
        let wrongCA = CentralHTTPTransport(configuration: .init(caFile: certificates.path("caA.pem"), timeout: 10))
        let refused = await wrongCA.perform(HTTPRequest(method: "POST", url: url, body: Array("{}".utf8)))
        guard case .failure(let error) = refused else {
            Issue.record("a server from another CA was accepted: \(refused)")
            return
        }
        #expect(error.kind == .tls)
        #expect(error.detail.contains("certificate"), "\(error)")
        #expect(await server.waitFor("handshake-failed"))
        #expect(server.lines.filter { $0.hasPrefix("request") }.count == requestsBefore, "\(server.lines)")
    }

    @Test("a name the certificate does not carry is refused; the name goes out as SNI")
    func hostnameIsVerified() async throws {
        let directory = try TemporaryDirectory()
        let certificates = try await TestCertificates(in: directory.path)
        let server = try await TLSTestServer(
            certificate: certificates.path("server.pem"), key: certificates.path("server.key"))
        defer { server.stop() }
        // The certificate names IP 127.0.0.1 only; "localhost" reaches the same server.
        let transport = CentralHTTPTransport(configuration: .init(caFile: certificates.path("caB.pem"), timeout: 10))
        let result = await transport.perform(HTTPRequest(method: "GET", url: "https://localhost:\(server.port)/"))
        guard case .failure(let error) = result else {
            Issue.record("a certificate for another name was accepted: \(result)")
            return
        }
        #expect(error.kind == .tls)
        #expect(await server.waitFor("sni localhost"), "\(server.lines)")
        #expect(!server.lines.contains { $0.hasPrefix("request") }, "\(server.lines)")
    }

    @Test("mutual TLS: the client certificate and key are shown; without them the server refuses")
    func clientCertificate() async throws {
        let directory = try TemporaryDirectory()
        let certificates = try await TestCertificates(in: directory.path)
        let server = try await TLSTestServer(
            certificate: certificates.path("server.pem"), key: certificates.path("server.key"),
            clientCA: certificates.path("caA.pem"))
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)/v1/events"

        let anonymous = CentralHTTPTransport(configuration: .init(caFile: certificates.path("caB.pem"), timeout: 10))
        let refused = await anonymous.perform(HTTPRequest(method: "POST", url: url, body: Array("{}".utf8)))
        switch refused {
        case .success(let answer): Issue.record("the server answered a client without a certificate: \(answer.status)")
        case .failure(let error):
            // TLS 1.3 refuses the client after the client's side of the handshake is done: the
            // alert is read (tls), or the server's close resets the connection first.
            #expect(error.kind == .tls || error.kind == .connectionReset, "\(error)")
        }
        #expect(await server.waitFor("handshake-failed"), "\(server.lines)")

        let identified = CentralHTTPTransport(
            configuration: .init(
                caFile: certificates.path("caB.pem"), certificate: certificates.path("client.pem"),
                privateKey: certificates.path("client.key"), timeout: 10))
        let answer = try await identified.perform(HTTPRequest(method: "POST", url: url, body: Array("{}".utf8))).get()
        #expect(answer.status == 200)
        #expect(await server.waitFor("request POST /v1/events HTTP/1.1"))

        let wrongKey = CentralHTTPTransport(
            configuration: .init(
                caFile: certificates.path("caB.pem"), certificate: certificates.path("client.pem"),
                privateKey: certificates.path("server.key"), timeout: 10))
        let mismatch = await wrongKey.perform(HTTPRequest(method: "GET", url: url))
        guard case .failure(let error) = mismatch else {
            Issue.record("a key that does not match the certificate was used: \(mismatch)")
            return
        }
        #expect(error.kind == .tls)
        #expect(error.detail.contains("PrivateKey="), "\(error)")
    }
}
