import Foundation
import KioskSystem
import Synchronization
import Testing

@testable import KioskControl
@testable import KioskService

#if canImport(Glibc)
    import Glibc
#endif

/// The control socket's slots cannot be held by clients that do nothing: sixteen idle (or
/// trickling) clients used to answer every `intake`, `lookup`, `reprint` and `kioskctl status`
/// with `busy` for as long as they stayed, and kioskctl called that answer "connection closed
/// or stuck".
@Suite("Control socket slots and deadlines")
struct ControlSlotTests {
    @Test func sixteenIdleClientsDoNotLockOutKioskctlStatus() async throws {
        // Deadlines longer than the test: the sixteen hold their slots until kioskctl comes.
        let rig = try ControlRig(
            limits: ControlServer.Limits(idleTimeout: .seconds(300), requestTimeout: .seconds(300)))
        defer { rig.server.requestStop() }
        var idle: [RawControlConnection] = []
        for _ in 0..<16 { idle.append(try rig.raw()) }
        // Half of them trickle a request that never ends, half send nothing.
        for connection in idle.suffix(8) { connection.send(Array(#"{"request":"sta"#.utf8)) }
        #expect(await eventually { rig.server.clientCount == 16 })
        let status = try await Kioskctl.run([
            "status", "--timeout", "120", "--socket", rig.directory.socket, "--db", rig.directory.path + "/none.db",
        ])
        // Answered: healthy (0) or degraded (1: the stand-in handler knows no printer), never
        // "not running" (3) or "cannot tell" (4).
        #expect([0, 1].contains(status.status), "\(status.errors)")
        #expect(status.output.contains("service         running"))
        #expect(rig.handler.recordedCalls == ["status"])
        // The one that waited longest was told why it was closed (the line is there already).
        let oldest = Held(idle[0])
        let closed = try await onThread { oldest.connection.answer() }
        #expect(closed?["error"] == .string("idle-closed"))
    }

    @Test func idleAndTricklingClientsAreClosedAtTheirDeadlines() async throws {
        let rig = try ControlRig(
            limits: ControlServer.Limits(idleTimeout: .milliseconds(300), requestTimeout: .milliseconds(300)))
        defer { rig.server.requestStop() }
        let (idle, trickling) = try await onThread { () -> (ControlValue?, ControlValue?) in
            let idle = try rig.raw()
            let trickling = try rig.raw()
            trickling.send(Array(#"{"request":"#.utf8))
            return (idle.answer(), trickling.answer())
        }
        #expect(idle?["error"] == .string("idle-timeout"))
        #expect(trickling?["error"] == .string("request-timeout"))
        #expect(await eventually { rig.server.clientCount == 0 })
        // A client that keeps asking is served for as long as it likes.
        let answers = try await onThread { () -> [ControlValue?] in
            let steady = try rig.raw()
            return (0..<3).map { _ in steady.exchange(#"{"request":"status"}"#) }
        }
        #expect(answers.allSatisfy { $0?["ok"] == .bool(true) })
    }

    @Test func subscribersHaveTheirOwnBudgetAndAreNotTimedOut() async throws {
        // The 1 s idle limit is what is checked (an idle client is closed, silent subscribers
        // are not); the request limit is not, so it is generous: a request line is never
        // refused because the machine is loaded.
        let rig = try ControlRig(
            limits: ControlServer.Limits(
                maximumClients: 2, maximumSubscribers: 2, idleTimeout: .seconds(1), requestTimeout: .seconds(60)))
        defer { rig.server.requestStop() }
        let answers = try await onThread { () -> [ControlValue?] in
            var subscribers: [RawControlConnection] = []
            var answers: [ControlValue?] = []
            for _ in 0..<3 {
                let connection = try rig.raw()
                answers.append(connection.exchange(#"{"request":"subscribe"}"#))
                subscribers.append(connection)
            }
            // An idle client's deadline passes (its answer is the proof the time went by)...
            answers.append(try rig.raw().answer())
            // ...subscribers do not take request slots: two clients are still served...
            for _ in 0..<2 { answers.append(try rig.raw().exchange(#"{"request":"status"}"#)) }
            // ...and the subscribers, silent all along, still get events.
            rig.handler.emit(.object(["event": .string("printer"), "state": .string("ready")]))
            answers.append(subscribers[0].answer())
            answers.append(subscribers[1].answer())
            return answers
        }
        #expect(answers[0]?["ok"] == .bool(true))
        #expect(answers[1]?["ok"] == .bool(true))
        #expect(answers[2]?["error"] == .string("busy"))
        #expect(answers[3]?["error"] == .string("idle-timeout"))
        #expect(answers[4]?["ok"] == .bool(true))
        #expect(answers[5]?["ok"] == .bool(true))
        #expect(answers[6]?["event"] == .string("printer"))
        #expect(answers[7]?["event"] == .string("printer"))
    }

    @Test func busyWhileEverySlotIsInServiceIsReportedAsBusy() async throws {
        let busy = try await BusyControlServer.start()
        defer { busy.stop() }
        let error = try await onThread { () -> ControlClientError? in
            do {
                _ = try ControlClient(socketPath: busy.socket, timeout: .seconds(60)).request(.request("status"))
                return nil
            } catch let error as ControlClientError {
                return error
            } catch {
                return nil
            }
        }
        #expect(error?.kind == .busy)
        #expect(error?.description.hasPrefix("kioskd is busy") == true)
        #expect(try await busy.release()?["ok"] == .bool(true))
    }
}
