import Foundation
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `[Central] CAFile=` is the only trust: kioskd with `CAFile=` naming CA A talks to a
/// loopback TLS server whose certificate comes from CA B, and CA B is trusted system-wide
/// (in this test's own mount namespace, `/etc/ssl/certs` holds only CA B, as bundle and as
/// hashed directory). Debian's libcurl, used before, also consulted its built-in CA directory;
/// until CURLOPT_CAPATH was cleared, kioskd completed the handshake and sent its request to
/// the impostor. The transport now loads only what `CAFile=`/`CAPath=` name.
///
/// Needs root (for `unshare -m` and the bind mount), `openssl` and `python3`.
@Suite(.serialized, .enabled(if: geteuid() == 0, "unshare -m needs root"))
struct CentralTrustTests {
    /// Test-made CAs and a server certificate for 127.0.0.1 signed by CA B.
    final class Certificates {
        let directory: String
        init(in directory: String) async throws {
            self.directory = directory
            // CA A, CA B and a server certificate for 127.0.0.1 from CA B.
            _ = try await TestCertificates(in: directory)
            // The "system" store of the namespace: CA B only, as bundle and as hashed directory.
            let system = "\(directory)/system-certs"
            try FileManager.default.createDirectory(atPath: system, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(directory)/caB.pem", toPath: "\(system)/ca-certificates.crt")
            try FileManager.default.copyItem(atPath: "\(directory)/caB.pem", toPath: "\(system)/kiosk-test-caB.pem")
            try await runTool("openssl", "rehash", system)
        }
        var systemStore: String { "\(directory)/system-certs" }
    }

    /// kioskd in a private mount namespace whose `/etc/ssl/certs` is `systemStore`.
    private func startKioskd(caKeys: String, systemStore: String, port: Int) throws -> KioskdProcess {
        let kioskd = try KioskdProcess()
        try kioskd.writeConfig(
            printerDevice: kioskd.printerPath,
            central: """
                URL=https://127.0.0.1:\(port)
                KeyFile=\(kioskd.directory.path)/central.key
                \(caKeys)
                PollUpdates=1s
                Timeout=5s
                """)
        try kioskd.start(launcher: [
            "/usr/bin/unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
            #"mount --bind "$0" /etc/ssl/certs && exec "$@""#, systemStore,
        ])
        return kioskd
    }

    /// What the loopback server answers every request: kioskd logs a failure and tries again.
    static let unavailable = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"

    @Test func caFileIsTheOnlyTrustEvenWhenTheSystemTrustsTheServer() async throws {
        let directory = try TemporaryDirectory()
        let certificates = try await Certificates(in: directory.path)
        let listener = try await TLSTestServer(
            certificate: "\(directory.path)/server.pem", key: "\(directory.path)/server.key", answer: Self.unavailable)
        defer { listener.stop() }

        let kioskd = try startKioskd(
            caKeys: "CAFile=\(directory.path)/caA.pem", systemStore: certificates.systemStore, port: listener.port)
        // kioskd polls for updates at once, then every second: wait for a refused handshake
        // and for kioskd to log the failure, then for one more attempt.
        #expect(await listener.waitFor("handshake-failed", timeout: .seconds(60)), "kioskd: \(kioskd.log.suffix(8))")
        #expect(await kioskd.waitForLog("updates.failed"), "kioskd: \(kioskd.log.suffix(8))")
        #expect(await kioskd.waitForLog("updates.failed", after: "updates.failed"))
        await kioskd.stop()
        #expect(
            !listener.lines.contains { $0.hasPrefix("request") },
            "kioskd sent a request to a server its CAFile does not vouch for: \(listener.lines)")
    }

    @Test func theServersOwnCAInCAFileOrCAPathIsTrusted() async throws {
        // The control: the same listener is reached when its CA is the configured one, so
        // the test above sees requests when they are sent.
        let directory = try TemporaryDirectory()
        let certificates = try await Certificates(in: directory.path)
        let listener = try await TLSTestServer(
            certificate: "\(directory.path)/server.pem", key: "\(directory.path)/server.key", answer: Self.unavailable)
        defer { listener.stop() }
        let byFile = try startKioskd(
            caKeys: "CAFile=\(directory.path)/caB.pem", systemStore: certificates.systemStore, port: listener.port)
        #expect(
            await listener.waitFor("request GET /v1/kiosks/", timeout: .seconds(60)), "kioskd: \(byFile.log.suffix(8))")
        await byFile.stop()

        // CAPath=: a hashed directory holding CA A only refuses; one holding CA B trusts.
        let onlyA = directory.path + "/only-a"
        try FileManager.default.createDirectory(atPath: onlyA, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(directory.path)/caA.pem", toPath: "\(onlyA)/caA.pem")
        try await runTool("openssl", "rehash", onlyA)
        let requestsBefore = listener.lines.filter { $0.hasPrefix("request") }.count
        let byPathA = try startKioskd(
            caKeys: "CAPath=\(onlyA)", systemStore: certificates.systemStore, port: listener.port)
        #expect(await byPathA.waitForLog("updates.failed"))
        await byPathA.stop()
        #expect(listener.lines.filter { $0.hasPrefix("request") }.count == requestsBefore)
    }
}
