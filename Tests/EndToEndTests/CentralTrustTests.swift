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
        init(in directory: String) throws {
            self.directory = directory
            for ca in ["caA", "caB"] {
                try run(
                    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", "\(directory)/\(ca).key", "-out", "\(directory)/\(ca).pem", "-days", "2", "-subj",
                    "/CN=Kiosk test \(ca)")
            }
            try run(
                "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "\(directory)/server.key", "-out", "\(directory)/server.csr", "-subj", "/CN=127.0.0.1")
            try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: URL(fileURLWithPath: "\(directory)/san.ext"))
            try run(
                "openssl", "x509", "-req", "-in", "\(directory)/server.csr", "-CA", "\(directory)/caB.pem", "-CAkey",
                "\(directory)/caB.key", "-CAcreateserial", "-out", "\(directory)/server.pem", "-days", "2",
                "-extfile", "\(directory)/san.ext")
            // The "system" store of the namespace: CA B only, as bundle and as hashed directory.
            let system = "\(directory)/system-certs"
            try FileManager.default.createDirectory(atPath: system, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(directory)/caB.pem", toPath: "\(system)/ca-certificates.crt")
            try FileManager.default.copyItem(atPath: "\(directory)/caB.pem", toPath: "\(system)/kiosk-test-caB.pem")
            try run("openssl", "rehash", system)
        }
        var systemStore: String { "\(directory)/system-certs" }
    }

    /// A loopback TLS server (Python's ssl module) that prints one line per connection:
    /// `handshake-failed …` or `request <request line>`; answers 503 to any request.
    final class TLSListener: @unchecked Sendable {
        // @unchecked Sendable: the Process is touched from the test's task only; lines are a LineLog.
        let process = Process()
        let lines = LineLog()
        let port: Int

        static let script = #"""
            import socket, ssl, sys
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[1], sys.argv[2])
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen(8)
            print("port", listener.getsockname()[1], flush=True)
            while True:
                connection, _ = listener.accept()
                connection.settimeout(10)
                try:
                    tls = context.wrap_socket(connection, server_side=True)
                except Exception as error:
                    print("handshake-failed", type(error).__name__, flush=True)
                    connection.close()
                    continue
                try:
                    head = b""
                    while b"\r\n" not in head:
                        chunk = tls.recv(4096)
                        if not chunk:
                            break
                        head += chunk
                    print("request", head.split(b"\r\n")[0].decode("latin-1"), flush=True)
                    tls.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except Exception as error:
                    print("connection-failed", type(error).__name__, flush=True)
                tls.close()
            """#

        init(certificate: String, key: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", Self.script, certificate, key]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            // The first line is the port: read it synchronously, then collect the rest.
            var first: [UInt8] = []
            while first.last != 10, let byte = try pipe.fileHandleForReading.read(upToCount: 1), !byte.isEmpty {
                first += byte
            }
            let text = String(decoding: first, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
                throw CommandFailure(description: "TLS listener did not start: \(text)")
            }
            self.port = port
            let lines = self.lines
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if !data.isEmpty { lines.append(data) }
            }
        }

        func stop() {
            // SIGKILL: the child inherits the test process's blocked signal mask (SIGTERM too).
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }

        /// Waits for a line starting with `prefix`.
        func waitFor(_ prefix: String, timeout: Duration = .seconds(60)) async -> Bool {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if lines.lines.contains(where: { $0.hasPrefix(prefix) }) { return true }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
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

    @Test func caFileIsTheOnlyTrustEvenWhenTheSystemTrustsTheServer() async throws {
        let directory = try TemporaryDirectory()
        let certificates = try Certificates(in: directory.path)
        let listener = try TLSListener(
            certificate: "\(directory.path)/server.pem", key: "\(directory.path)/server.key")
        defer { listener.stop() }

        let kioskd = try startKioskd(
            caKeys: "CAFile=\(directory.path)/caA.pem", systemStore: certificates.systemStore, port: listener.port)
        // kioskd polls for updates at once, then every second: wait for a refused handshake
        // and for kioskd to log the failure, then for one more attempt.
        #expect(await listener.waitFor("handshake-failed"), "kioskd: \(kioskd.log.suffix(8))")
        #expect(await kioskd.waitForLog("updates.failed"), "kioskd: \(kioskd.log.suffix(8))")
        #expect(await kioskd.waitForLog("updates.failed", after: "updates.failed"))
        await kioskd.stop()
        #expect(
            !listener.lines.lines.contains { $0.hasPrefix("request") },
            "kioskd sent a request to a server its CAFile does not vouch for: \(listener.lines.lines)")
    }

    @Test func theServersOwnCAInCAFileOrCAPathIsTrusted() async throws {
        // The control: the same listener is reached when its CA is the configured one, so
        // the test above sees requests when they are sent.
        let directory = try TemporaryDirectory()
        let certificates = try Certificates(in: directory.path)
        let listener = try TLSListener(
            certificate: "\(directory.path)/server.pem", key: "\(directory.path)/server.key")
        defer { listener.stop() }
        let byFile = try startKioskd(
            caKeys: "CAFile=\(directory.path)/caB.pem", systemStore: certificates.systemStore, port: listener.port)
        #expect(await listener.waitFor("request GET /v1/kiosks/"), "kioskd: \(byFile.log.suffix(8))")
        await byFile.stop()

        // CAPath=: a hashed directory holding CA A only refuses; one holding CA B trusts.
        let onlyA = directory.path + "/only-a"
        try FileManager.default.createDirectory(atPath: onlyA, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(directory.path)/caA.pem", toPath: "\(onlyA)/caA.pem")
        try run("openssl", "rehash", onlyA)
        let requestsBefore = listener.lines.lines.filter { $0.hasPrefix("request") }.count
        let byPathA = try startKioskd(
            caKeys: "CAPath=\(onlyA)", systemStore: certificates.systemStore, port: listener.port)
        #expect(await byPathA.waitForLog("updates.failed"))
        await byPathA.stop()
        #expect(listener.lines.lines.filter { $0.hasPrefix("request") }.count == requestsBefore)
    }
}

/// Runs a command to completion; throws with its output when it fails.
private func run(_ arguments: String...) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CommandFailure(description: "\(arguments.joined(separator: " ")): \(text)")
    }
}

private struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}
