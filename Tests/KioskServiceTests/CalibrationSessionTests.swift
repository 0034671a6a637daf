import ESCPOS
import KioskConfig
import KioskDomain
import Testing

@testable import KioskService

/// The answers to a calibration sheet at the running kiosk (`KIOSK:CALIBRATE`), as a pure
/// state machine: any order, later answers replace earlier ones, other scans change nothing,
/// silence ends it.
@Suite struct CalibrationSessionTests {
    static let base = try! HardwareData.printerProfile(named: "generic-80mm")
    static func at(_ seconds: Int64) -> Timestamp { Timestamp(unixSeconds: 1_800_000_000 + seconds) }

    @Test func threeAnswersInAnyOrderMakeTheProfile() {
        var session = CalibrationSession(base: Self.base, startedAt: Self.at(0))
        #expect(session.missing.count == 3)
        #expect(
            session.handle(scan: "CAL:BUZ:no", now: Self.at(10))
                == .answered(
                    .buzzer(false),
                    missing: [
                        "the line that reads right", "the cut that looks right",
                    ]))
        // A scanner that sends the AIM identifier and a line end: the answer still counts.
        #expect(
            session.handle(scan: "]C0CAL:CUT:partial\r\n", now: Self.at(20))
                == .answered(
                    .cut(.partial),
                    missing: [
                        "the line that reads right"
                    ]))
        // The technician changes their mind about the cut: the later scan wins.
        _ = session.handle(scan: "CAL:CUT:yes", now: Self.at(25))
        let step = session.handle(scan: "CAL:T:CP1258-52-C", now: Self.at(30))
        guard case .complete(let profile, let text) = step else {
            Issue.record("expected the calibration to complete, got \(step)")
            return
        }
        #expect(text == .cp1258(page: 52, composes: true))
        #expect(profile.codePages[.cp1258] == 52 && profile.cp1258ComposesMarks)
        #expect(profile.cutter == .full)
        #expect(!profile.hasBuzzer)
        #expect(profile.userDefinedCells.isEmpty, "a code page chosen: no user-defined characters")
    }

    @Test func aWrongBarcodeChangesNothing() {
        var session = CalibrationSession(base: Self.base, startedAt: Self.at(0))
        _ = session.handle(scan: "CAL:T:UDC", now: Self.at(5))
        let before = session
        for scan in [
            "001095012345||Trần Văn Đức|14031995|Nam|Xã Đông Cuông, tỉnh Lào Cai|01022021", "1.001234",
            "CAL:T:CP1258-x-C", "CAL:CUT:sideways", "CAL:BUZ:maybe", "KIOSK:STATUS", "",
        ] {
            #expect(session.handle(scan: scan, now: Self.at(600)) == .notAnAnswer, "\(scan)")
        }
        #expect(session == before, "neither the answers nor the last activity moved")
        #expect(session.hasExpired(now: Self.at(5 + CalibrationSession.timeoutSeconds)))
    }

    @Test func silenceEndsItEachAnswerRestartsTheClock() {
        var session = CalibrationSession(base: Self.base, startedAt: Self.at(0))
        let limit = CalibrationSession.timeoutSeconds
        #expect(!session.hasExpired(now: Self.at(limit - 1)))
        _ = session.handle(scan: "CAL:T:RASTER", now: Self.at(limit - 1))
        #expect(!session.hasExpired(now: Self.at(2 * limit - 2)))
        #expect(session.hasExpired(now: Self.at(2 * limit - 1)))
    }
}
