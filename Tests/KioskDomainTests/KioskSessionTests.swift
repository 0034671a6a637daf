import Testing

@testable import KioskDomain

@Suite struct KioskSessionTests {
    let card = "001095012345||Nguyễn Bá Hoàng|14031995|Nam|Thôn 3, xã Mậu A, huyện Văn Yên, tỉnh Yên Bái|01022021"
    let otherCard = "001190099999||Trần Thị Mai|02021990|Nữ|Xã Đông Cuông, huyện Văn Yên|01022021"
    let t0 = Timestamp(rfc3339: "2026-11-23T09:00:00+07:00")!

    func at(_ seconds: Int64) -> Timestamp { Timestamp(unixSeconds: t0.unixSeconds + seconds) }
    func scan(_ text: String) -> Result<Scan, ScanRejection> { ScanParser().parse(text) }
    func code() -> String { TrackingCode(prefix: "YBVY01", day: t0.localDay, sequence: 7)!.description }

    func handle(
        _ session: inout KioskSession, _ text: String, at seconds: Int64 = 0, printerProblem: String? = nil
    ) -> KioskSession.Outcome {
        session.handle(
            scan(text), now: at(seconds), knowsProcedure: { $0 == "1.001234" }, printerProblem: printerProblem)
    }

    @Test func intakeIsIdCardThenProcedure() {
        var session = KioskSession()
        #expect(handle(&session, card) == .awaitingProcedure)
        guard case .intake(let read, let procedure) = handle(&session, "1.001234", at: 5) else {
            Issue.record("expected an intake")
            return
        }
        #expect(read.applicant.name == "Nguyễn Bá Hoàng")
        #expect(procedure == "1.001234")
        #expect(session.state == .idle)
    }

    @Test func refusesWhatDoesNotFit() {
        var session = KioskSession()
        #expect(handle(&session, "1.001234") == .refused(.idCardFirst))
        #expect(handle(&session, "EA123456785VN") == .refused(.clerkOnly(kind: "postal-item")))
        #expect(handle(&session, "hello") == .refused(.invalidScan(.unrecognised)))
        _ = handle(&session, card)
        #expect(handle(&session, "1.009999") == .refused(.unknownProcedure(code: "1.009999")))
        #expect(handle(&session, "EA123456785VN") == .refused(.procedureExpected(got: "postal-item")))
        // Still waiting for the procedure after refusals.
        guard case .intake = handle(&session, "1.001234") else {
            Issue.record("expected an intake after refusals")
            return
        }
    }

    @Test func printerProblemRefusesTheIntakeAndResets() {
        var session = KioskSession()
        _ = handle(&session, card)
        #expect(
            handle(&session, "1.001234", printerProblem: "paper out")
                == .refused(.printerUnavailable(reason: "paper out")))
        #expect(session.state == .idle)
    }

    @Test func lookupIsATrackingCodeAlone() {
        var session = KioskSession()
        let tracking = TrackingCode(parsing: code())!
        #expect(handle(&session, code()) == .lookup(tracking))
    }

    @Test func cancelAndIdleTimeoutDropTheSession() {
        var session = KioskSession()
        _ = handle(&session, card)
        #expect(handle(&session, "KIOSK:CANCEL") == .cancelled)
        #expect(session.state == .idle)
        _ = handle(&session, card, at: 10)
        #expect(session.expire(now: at(129)) == nil)
        #expect(session.expire(now: at(130)) == .timedOut)
        #expect(session.state == .idle)
        // A procedure scanned after the timeout is refused: the card was forgotten.
        _ = handle(&session, card, at: 200)
        #expect(handle(&session, "1.001234", at: 400) == .refused(.idCardFirst))
    }

    @Test func counterFlows() {
        var session = KioskSession()
        let tracking = TrackingCode(parsing: code())!
        #expect(handle(&session, "KIOSK:CLERK") == .clerkMode(on: true))
        #expect(handle(&session, card) == .refused(.notInClerkMode(kind: "id-card")))
        #expect(handle(&session, code()) == .awaitingItem(tracking))
        #expect(handle(&session, "EA123456785VN") == .attachPostalItem(tracking, S10Code(parsing: "EA123456785VN")!))
        #expect(handle(&session, code()) == .awaitingItem(tracking))
        #expect(handle(&session, "1.001234") == .refused(.postalItemOrIdCardExpected(got: "procedure-code")))
        guard case .handBack(let handed, let presented) = handle(&session, otherCard) else {
            Issue.record("expected a hand-back")
            return
        }
        #expect(handed == tracking)
        #expect(presented.applicant.idNumber == "001190099999")  // the service compares it to the dossier
        #expect(handle(&session, "KIOSK:CLERK") == .clerkMode(on: false))
        #expect(!session.isClerkMode)
    }

    @Test func technicianCodesOnlyWhenEnabled() {
        var off = KioskSession(technicianCodesEnabled: false)
        #expect(handle(&off, "KIOSK:TEST-PAGE") == .refused(.technicianCodesDisabled))
        var on = KioskSession(technicianCodesEnabled: true)
        #expect(handle(&on, "KIOSK:TEST-PAGE") == .technician(.testPage))
        #expect(handle(&on, "KIOSK:STATUS") == .technician(.status))
    }

    @Test func refusalsNeverRepeatPersonalData() {
        let refusals: [SessionRefusal] = [
            .invalidScan(.unrecognised), .idCardFirst, .unknownProcedure(code: "1.000000"), .idCardMismatch,
            .printerUnavailable(reason: "paper out"), .procedureExpected(got: "id-card"),
        ]
        for refusal in refusals {
            #expect(!refusal.description.contains("Nguyễn"))
            #expect(!refusal.description.contains("001095012345"))
            #expect(!refusal.vietnamese.isEmpty)
        }
    }
}
