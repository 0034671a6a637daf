import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Test-made certificates: two CAs, a server certificate for 127.0.0.1 (IP entry only) from
/// CA B, and a client certificate from CA A. Made with the `openssl` command.
public struct TestCertificates {
    /// The folder holding the keys and certificates.
    public let directory: String

    /// Makes them in `directory` (with `openssl`, off the concurrency pool).
    public init(in directory: String) async throws {
        self.directory = directory
        for ca in ["caA", "caB"] {
            try await runTool(
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "\(directory)/\(ca).key", "-out", "\(directory)/\(ca).pem", "-days", "2", "-subj",
                "/CN=Kiosk test \(ca)")
        }
        for (name, ca, extensions) in [
            ("server", "caB", "subjectAltName=IP:127.0.0.1\n"), ("client", "caA", "extendedKeyUsage=clientAuth\n"),
        ] {
            try await runTool(
                "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "\(directory)/\(name).key", "-out", "\(directory)/\(name).csr", "-subj", "/CN=kiosk-\(name)")
            try Data(extensions.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name).ext"))
            try await runTool(
                "openssl", "x509", "-req", "-in", "\(directory)/\(name).csr", "-CA", "\(directory)/\(ca).pem",
                "-CAkey", "\(directory)/\(ca).key", "-CAcreateserial", "-out", "\(directory)/\(name).pem", "-days",
                "2", "-extfile", "\(directory)/\(name).ext")
        }
    }

    /// `name` in the folder.
    public func path(_ name: String) -> String { "\(directory)/\(name)" }
}

/// A loopback TLS server (Python's ssl module) that prints one line per event: `sni NAME`,
/// `handshake-failed …`, `request <request line>`, `connection-failed …`; answers every
/// request `200` with the body `tls-ok` and closes. With `clientCA`, a client certificate
/// from that CA is required (mutual TLS).
///
/// `@unchecked Sendable`: the process is touched from the test's task only; lines are behind
/// a mutex.
public final class TLSTestServer: @unchecked Sendable {
    private let process = TestProcess()
    private let output = OutputLines()
    /// The loopback port it listens on.
    public let port: Int

    private static let script = #"""
        import socket, ssl, sys
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        if len(sys.argv) > 4:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(sys.argv[4])
        def sni(connection, name, context):
            print("sni", name, flush=True)
        context.sni_callback = sni
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
                while b"\r\n\r\n" not in head:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                if head:
                    print("request", head.split(b"\r\n")[0].decode("latin-1"), flush=True)
                    tls.sendall(sys.argv[3].encode("latin-1"))
                else:
                    print("connection-failed empty", flush=True)
            except Exception as error:
                print("connection-failed", type(error).__name__, flush=True)
            tls.close()
        """#

    /// The answer every request gets unless the caller names another: `200` with `tls-ok`.
    public static let ok = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\ntls-ok"

    /// Starts the server with `certificate` and `key`, answering each request with `answer`
    /// (a whole HTTP response), requiring a client certificate from `clientCA` when given.
    public init(
        certificate: String, key: String, answer: String = TLSTestServer.ok, clientCA: String? = nil,
        startTimeout: Duration = .seconds(60)
    ) async throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", "-c", Self.script, certificate, key, answer] + (clientCA.map { [$0] } ?? [])
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        // Every line, the first (`port N`) included, arrives through a reading thread of its
        // own; the start is awaited with sleeps, never with a read that holds a pool thread.
        output.follow(pipe.fileHandleForReading, thread: "tls-test-out")
        let deadline = ContinuousClock.now + startTimeout
        while output.lines.isEmpty, process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let text = output.lines.first ?? ""
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
            process.send(SIGKILL)
            process.waitUntilExit()
            throw ToolFailure(
                description:
                    "TLS test server did not start within \(startTimeout): \(text.isEmpty ? "no output" : text)")
        }
        self.port = port
    }

    /// The lines printed so far (after the first, which named the port).
    public var lines: [String] { Array(output.lines.dropFirst()) }

    /// Waits until a line starts with `prefix` (the server prints after the client is done).
    public func waitFor(_ prefix: String, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if lines.contains(where: { $0.hasPrefix(prefix) }) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Stops it (SIGKILL: the child inherits the test process's blocked signal mask).
    public func stop() {
        process.send(SIGKILL)
        process.waitUntilExit()
    }
}

/// A command or server that did not do what the test needed, with its output.
public struct ToolFailure: Error, CustomStringConvertible {
    /// What failed, with the output.
    public var description: String
}

/// Runs a command to completion (off the concurrency pool, at most `timeout`); throws with
/// its output when it fails.
public func runTool(_ arguments: String..., timeout: Duration = .seconds(120)) async throws {
    let outcome = try await ToolRun.run("/usr/bin/env", arguments, timeout: timeout)
    guard outcome.status == 0 else {
        throw ToolFailure(description: "\(arguments.joined(separator: " ")): \(outcome.output)\(outcome.errors)")
    }
}
