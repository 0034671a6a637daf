import Foundation
import KioskSystem
import Testing

@testable import KioskControl
@testable import KioskService

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Control socket client")
struct ControlClientTests {
    @Test func noSocketMeansNotRunning() {
        let directory = SocketDirectory()
        do {
            _ = try ControlClient(socketPath: directory.socket).request(.request("status"))
            Issue.record("connected")
        } catch {
            #expect(error.kind == .notRunning)
            #expect(error.meansServiceUnavailable)
            #expect(error.description == "kioskd is not running (no control socket at \(directory.socket))")
        }
    }

    @Test func aSocketNobodyListensOnMeansNotRunning() throws {
        let directory = SocketDirectory()
        let fd = try UnixStream.makeSocket()
        #expect(UnixStream.withAddress(directory.socket) { bind(fd, $0, $1) } == 0)
        defer { close(fd) }
        do {
            _ = try ControlClient(socketPath: directory.socket).request(.request("status"))
            Issue.record("connected")
        } catch {
            #expect(error.kind == .notRunning)
            #expect(error.description.hasPrefix("kioskd is not running"))
        }
    }

    @Test func permissionDeniedNamesTheGroup() {
        let error = ControlClientError.connecting(
            SystemError(EACCES, call: "connect"), path: "/run/kiosk/control.sock", group: "kiosk-tech")
        #expect(error.kind == .permissionDenied)
        #expect(error.description.hasPrefix("permission denied: add yourself to group kiosk-tech"))
        #expect(!error.meansServiceUnavailable)
    }

    @Test func requestAndErrorAnswers() async throws {
        let rig = try ControlRig()
        defer { rig.server.stop() }
        let (answer, refused) = try await onThread {
            (
                try rig.client.request(.request("lookup", ["code": .string("K1")])),
                try rig.client.request(.request("lookup"))
            )
        }
        #expect(answer == .object(["ok": .bool(true), "call": .string("lookup(code: K1, print: false)")]))
        #expect(refused.isErrorAnswer)
        #expect(refused["error"] == .string("bad-request"))
    }

    @Test func aServiceThatDoesNotAnswerTimesOut() async throws {
        let directory = SocketDirectory()
        // A listener that accepts (in the kernel's backlog) but never answers.
        let fd = try UnixStream.makeSocket()
        #expect(UnixStream.withAddress(directory.socket) { bind(fd, $0, $1) } == 0)
        #expect(listen(fd, 4) == 0)
        defer { close(fd) }
        let path = directory.socket
        let kind = try await onThread { () -> ControlClientError.Kind? in
            do {
                _ = try ControlClient(socketPath: path, timeout: .milliseconds(50)).request(.request("status"))
                return nil
            } catch let error as ControlClientError {
                return error.kind
            }
        }
        #expect(kind == .timedOut)
    }
}
