import Foundation
import Testing

@testable import KioskControl
@testable import KioskService

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Control socket subscriptions")
struct ControlSubscribeTests {
    @Test func subscriberReceivesEventsUntilItCloses() async throws {
        let rig = try ControlRig()
        defer { rig.server.stop() }
        let handler = rig.handler
        let (ack, events, heldWhileOpen) = try await onThread { () -> (ControlValue?, [ControlValue?], Int) in
            let connection = try rig.raw()
            connection.send(#"{"request":"subscribe","id":"s"}"#)
            let ack = connection.answer()
            handler.emit(.object(["event": .string("scan"), "n": .int(1)]))
            handler.emit(.object(["event": .string("printer"), "state": .string("paper-out")]))
            return (ack, [connection.answer(), connection.answer()], handler.releasedStreams)
            // The connection closes here.
        }
        #expect(ack == .object(["ok": .bool(true), "subscribed": .bool(true), "id": .string("s")]))
        #expect(events[0] == .object(["event": .string("scan"), "n": .int(1)]))
        #expect(events[1] == .object(["event": .string("printer"), "state": .string("paper-out")]))
        #expect(heldWhileOpen == 0)
        // The server notices the client has gone and lets go of the stream.
        #expect(await eventually { handler.releasedStreams == 1 })
        #expect(await eventually { rig.server.clientCount == 0 })
    }

    @Test func theStreamEndingClosesTheConnection() async throws {
        let rig = try ControlRig()
        defer { rig.server.stop() }
        let handler = rig.handler
        let (event, end) = try await onThread { () -> (ControlValue?, String?) in
            let stream = try rig.client.subscribe()
            handler.emit(.int(1))
            let event = try stream.next(timeout: .seconds(120))
            handler.finishStreams()
            return (event, try stream.next(timeout: .seconds(120))?.json)
        }
        #expect(event == .int(1))
        #expect(end == nil)
    }

    @Test func linesSentAfterSubscribeAreIgnored() async throws {
        let rig = try ControlRig()
        defer { rig.server.stop() }
        let handler = rig.handler
        let event = try await onThread { () -> ControlValue? in
            let connection = try rig.raw()
            connection.send(#"{"request":"subscribe"}"#)
            _ = connection.answer()
            connection.send(#"{"request":"status"}"#)
            handler.emit(.string("after"))
            return connection.answer()
        }
        #expect(event == .string("after"))
        #expect(rig.handler.recordedCalls == ["subscribe"])
    }

    @Test func aStuckSubscriberIsDroppedAndNeverBlocksTheService() async throws {
        let rig = try ControlRig(limits: ControlServer.Limits(writeTimeout: .milliseconds(100), subscriberBacklog: 50))
        defer { rig.server.stop() }
        let handler = rig.handler
        // A subscriber that never reads.
        let stuck = try await onThread { () -> RawControlConnectionBox in
            let connection = try rig.raw()
            var size = Int32(4096)
            setsockopt(connection.fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            connection.send(#"{"request":"subscribe"}"#)
            return RawControlConnectionBox(connection)
        }
        #expect(await eventually { handler.subscriptions == 1 })
        let big = ControlValue.string(String(repeating: "e", count: 8192))
        let dropped = await eventually {
            for _ in 0..<20 { handler.emit(big) }
            return handler.releasedStreams == 1
        }
        #expect(dropped)
        #expect(
            rig.log.all.contains { $0.contains("control client dropped") || $0.contains("control subscriber dropped") })
        // Meanwhile and afterwards, other clients are served.
        let answer = try await onThread { try rig.client.request(.request("status")) }
        #expect(answer["ok"] == .bool(true))
        withExtendedLifetime(stuck) {}
    }

    @Test func stopEndsSubscriptions() async throws {
        let rig = try ControlRig()
        let handler = rig.handler
        let end = try await onThread { () -> String? in
            let connection = try rig.raw()
            connection.send(#"{"request":"subscribe"}"#)
            _ = connection.answer()
            rig.server.stop()
            return connection.line()
        }
        #expect(end == nil)
        #expect(await eventually { handler.releasedStreams == 1 })
    }
}

/// Carries a raw connection across threads in a test; only one thread touches it at a time.
///
/// `@unchecked Sendable`: the test hands it from the thread that made it to the test body,
/// which only keeps it alive.
final class RawControlConnectionBox: @unchecked Sendable {
    let connection: RawControlConnection
    init(_ connection: RawControlConnection) { self.connection = connection }
}
