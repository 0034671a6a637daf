import Foundation
import KioskCentral
import KioskForwarding
import KioskProtocol
import KioskSystem
import Synchronization
import Testing

@testable import KioskForwarding

/// The central's `error` text is reduced to a protocol code; anything else is a note that is
/// length-bounded, stripped of control characters, has its digit runs masked, and is logged
/// at debug only. A central (or a man in the middle on plain HTTP) that echoes a citizen's ID
/// number puts it neither in the kiosk's log nor in its status. Before, up to 120 characters
/// of the text went to the warning line and to `kioskctl status` verbatim.
@Suite struct CentralErrorTextTests {
    static let idNumber = "001094012345"
    static let body = #"{"error":"applicant \#(idNumber) Nguyễn Bá Hoàng\u0007\u001b[2J rejected"}"#

    @Test func anErrorBodyCarryingAnIDNumberReachesNoLogAndNoStatus() async throws {
        let rig = try ForwardingRig()
        try await rig.fill(3)
        rig.server.injectFault(.status(500, retryAfter: nil, body: Self.body), count: 1)
        let lines = Mutex<[(LogPriority, String)]>([])
        let forwarder = Forwarder(
            store: rig.store, client: rig.client, configuration: ForwarderConfiguration(batchSize: 100),
            clock: rig.clock.clock, random: SeededRandom(seed: 1),
            logger: Logger(minimum: .debug) { line in lines.withLock { $0.append((line.priority, line.rendered)) } })
        try await forwarder.drain()
        #expect(try rig.expectAllStoredOnce(3))
        let logged = lines.withLock { $0 }
        #expect(logged.contains { $0.1.contains("HTTP 500") })
        for (level, line) in logged {
            #expect(!line.contains(Self.idNumber), "an ID number in the log: \(line)")
            #expect(!line.contains("\u{1B}") && !line.contains("\u{07}"), "a control character in the log: \(line)")
            if level < .debug { #expect(!line.contains("applicant"), "central's free text above debug: \(line)") }
        }
        #expect(logged.contains { $0.0 == .debug && $0.1.contains("central.error-note") })
        let status = await forwarder.status
        // The delivery that followed cleared the error (a past problem leaves the status); had it
        // stayed, it would carry no free text of the central's.
        #expect(status.lastError.map { !$0.contains("applicant") && !$0.contains(Self.idNumber) } ?? true)
        await rig.tearDown()
    }

    @Test func knownCodesAreShownAndNotesAreBoundedAndClean() {
        #expect(CentralAnswer.errorReason(Array(#"{"error":"clock-skew"}"#.utf8)) == "clock-skew")
        #expect(CentralAnswer.errorReason(Array(Self.body.utf8)) == nil)
        let note = CentralAnswer.errorNote(Array(Self.body.utf8)) ?? ""
        #expect(!note.contains(Self.idNumber))
        #expect(note.unicodeScalars.allSatisfy { $0.properties.generalCategory != .control })
        let long = #"{"error":"\#(String(repeating: "x", count: 5000))"}"#
        #expect((CentralAnswer.errorNote(Array(long.utf8)) ?? "").unicodeScalars.count <= CentralAnswer.noteLimit + 1)
        #expect(CentralAnswer.errorNote(Array(#"{"error":"replay"}"#.utf8)) == nil)
    }
}
