import ESCPOS
import KioskConfig
import KioskDomain
import KioskReceipts
import KioskStore

/// What a front end's print request (the control socket's `test-print`, `reprint`, `lookup`
/// with `print`) came to.
public enum PrintAnswer: Sendable, Equatable {
    /// Accepted: the job is written and handed to the printer.
    case printing(jobId: Int64)
    /// Refused now, with the reason (the printer cannot print, no such dossier, the store
    /// failed); nothing is written, nothing prints later.
    case refused(SessionRefusal)
}

/// "Print or refuse", decided in one place for every print the kiosk makes.
extension KioskFlows {
    /// Why the printer cannot print right now, asked of the printer now (never a remembered
    /// answer), or nil when it can. Every print decision of the kiosk is made on this answer.
    func printerProblem() async -> String? {
        await printer.problem()
    }

    /// Prints a slip or page that is not part of a dossier's transaction: refused now when
    /// the printer cannot print; otherwise written claimed (already `sending` for this run)
    /// and handed to the printer, which prints it without asking again.
    func printNow(_ draft: @autoclosure () -> PrintJobDraft, dossierCode: String?) async -> PrintAnswer {
        if let problem = await printerProblem() { return .refused(.printerUnavailable(reason: problem)) }
        do {
            let job = try await store.enqueuePrintJob(
                draft(), dossierCode: dossierCode, claimed: true, afterCommit: { [printer] in printer.print($0) })
            return .printing(jobId: job.id)
        } catch {
            logger.log(.error, "print job not written", [("reason", "\(error)")])
            return .refused(.storeFailure(reason: "\(error)"))
        }
    }

    /// The control socket's `test-print`: the test page, through the same decision as a scan's.
    public func printTestPage() async -> PrintAnswer {
        await printNow(PrintJobDraft(kind: "test-page", payload: TestPage.bytes(for: profile)), dossierCode: nil)
    }

    /// The control socket's `reprint`: the dossier's receipt again, marked so the queue puts
    /// exactly one reprint banner on each copy (the payload never carries one).
    public func reprint(code: String) async -> PrintAnswer {
        do {
            guard let dossier = try await store.dossier(code: code) else {
                return .refused(.unknownDossier(code: code))
            }
            let receipt = IntakeReceipt(dossier: dossier, kiosk: setup.configuration.kiosk, catalog: setup.catalog)
            let bytes = ESCPOSEncoder.encode(receipt.document(columns: profile.columnsFontA), profile: profile)
            return await printNow(
                PrintJobDraft(kind: "intake-receipt-reprint", payload: bytes, markedReprint: true), dossierCode: code)
        } catch {
            return .refused(.storeFailure(reason: "\(error)"))
        }
    }

    /// The control socket's `release`: a print job held for a technician goes back to the
    /// printer through the same decision as every print. Refused now (and still held) when the
    /// printer cannot print; otherwise claimed for this run and handed to the queue, which
    /// prints it once under the one reprint banner (docs/print-once.md). Nil when no job with
    /// that id is held.
    public func releaseHeldPrintJob(id: Int64) async -> PrintAnswer? {
        do {
            guard try await store.heldPrintJobs().contains(where: { $0.id == id }) else { return nil }
            if let problem = await printerProblem() { return .refused(.printerUnavailable(reason: problem)) }
            guard let job = try await store.claimHeldPrintJob(id: id) else { return nil }
            logger.log(.notice, "held print job released", [("kind", job.kind), ("job", "\(job.id)")])
            printer.print(job)
            return .printing(jobId: job.id)
        } catch {
            logger.log(.error, "held print job not released", [("job", "\(id)"), ("reason", "\(error)")])
            return .refused(.storeFailure(reason: "\(error)"))
        }
    }

    /// The control socket's `lookup` with `print`: the dossier's status slip, without touching
    /// the session of the citizen standing at the scanner.
    public func printStatusSlip(code: String) async -> PrintAnswer {
        guard let tracking = TrackingCode(parsing: code) else { return .refused(.unknownDossier(code: code)) }
        let result = await printStatus(code: tracking)
        if case .refused(let refusal) = result.outcome { return .refused(refusal) }
        guard let job = result.printJobId else { return .refused(.unknownDossier(code: code)) }
        return .printing(jobId: job)
    }

    /// A lookup's status slip (or apology and new-appointment slip). A slip that cannot print
    /// now is refused now, never queued for whoever stands at the kiosk when the paper is back.
    func printStatus(code: TrackingCode) async -> Result {
        let text = code.description
        if let problem = await printerProblem() {
            return Result(outcome: .refused(.printerUnavailable(reason: problem)), code: text)
        }
        do {
            let dossier = try await store.dossier(code: text)
            let status = try await store.latestStatus(code: text)
            guard dossier != nil || status != nil else {
                return Result(outcome: .refused(.unknownDossier(code: text)), code: text)
            }
            let slip = StatusSlip.lookupSlip(code: text, dossier: dossier, status: status, printedAt: now())
            let payload = ESCPOSEncoder.encode(slip.document(profile.columnsFontA), profile: profile)
            let job = try await store.enqueuePrintJob(
                PrintJobDraft(kind: slip.kind, payload: payload), dossierCode: dossier == nil ? nil : text,
                claimed: true, afterCommit: { [printer] in printer.print($0) })
            return Result(outcome: .lookup(code), code: text, printJobId: job.id)
        } catch {
            logger.log(.error, "status slip not printed", [("code", text), ("reason", "\(error)")])
            return Result(outcome: .refused(.storeFailure(reason: "\(error)")), code: text)
        }
    }

    /// `KIOSK:TEST-PAGE`, `KIOSK:STATUS` and `KIOSK:CALIBRATE`: decided like every other
    /// slip, refused now when the printer cannot print (never queued for later).
    func printTechnicianPage(_ control: ControlCode) async -> Result {
        let answer: PrintAnswer
        switch control {
        case .testPage:
            answer = await printTestPage()
        case .calibrate:
            return await printCalibrationSheet()
        case .status:
            if let problem = await printerProblem() {
                return Result(outcome: .refused(.printerUnavailable(reason: problem)))
            }
            let status: TechnicianStatus
            if let attached = await technicianStatus?() { status = attached } else { status = await unattachedStatus() }
            let slip = TechnicianStatusSlip(status: status, printedAt: now())
            let payload = ESCPOSEncoder.encode(slip.document(columns: profile.columnsFontA), profile: profile)
            do {
                let job = try await store.enqueuePrintJob(
                    PrintJobDraft(kind: "technician-status", payload: payload), dossierCode: nil, claimed: true,
                    afterCommit: { [printer] in printer.print($0) })
                answer = .printing(jobId: job.id)
            } catch {
                answer = .refused(.storeFailure(reason: "\(error)"))
            }
        default:
            return Result(outcome: .technician(control))
        }
        switch answer {
        case .printing(let job): return Result(outcome: .technician(control), printJobId: job)
        case .refused(let refusal):
            logger.log(.error, "technician page not printed", [("page", control.rawValue), ("reason", "\(refusal)")])
            return Result(outcome: .refused(refusal))
        }
    }

    /// What the flows know themselves, when no running service attached its facts.
    func unattachedStatus() async -> TechnicianStatus {
        let configuration = setup.configuration
        return TechnicianStatus.facts(
            kioskId: configuration.kiosk.id, version: kioskSoftwareVersion, printerProfile: profile.name,
            printerDevice: configuration.printer.device, printerState: "unknown",
            scannerDevice: configuration.scanner.device,
            scannerState: "unknown", backlog: (try? await store.summary())?.pending ?? 0, deadLetters: 0,
            centralURL: configuration.central.url, forwarding: "unknown", hostName: NetworkAddresses.hostName(),
            addresses: NetworkAddresses.current())
    }

    /// A refusal always reaches the citizen at the kiosk (docs/refusals.md): the buzzer where
    /// the profile has one; otherwise, for the refusals that send the citizen elsewhere and
    /// when the printer can print, a short slip saying what happened and what to do. (A front
    /// end also gets every refusal on the control socket.) The slip prints straight through
    /// the printer, not the store: it must print when the store itself is failing.
    func tellCitizen(_ refusal: SessionRefusal) async {
        if profile.hasBuzzer {
            await printer.signalRefusal()
            return
        }
        guard RefusalSlip.prints(for: refusal) else { return }
        let at = now()
        if let last = lastRefusalSlipAt, at.unixSeconds - last < Self.refusalSlipGapSeconds { return }
        guard await printerProblem() == nil else { return }
        let slip = RefusalSlip(refusal: refusal, kioskId: setup.configuration.kiosk.id, printedAt: at)
        let bytes = ESCPOSEncoder.encode(slip.document(columns: profile.columnsFontA), profile: profile)
        lastRefusalSlipAt = at.unixSeconds
        let printed = await printer.printSlip(bytes)
        logger.log(
            .info, "print",
            [
                ("kind", "refusal-slip"), ("refused", refusal.code), ("bytes", "\(bytes.count)"),
                ("outcome", printed ? "sent" : "not sent"),
            ])
    }
}
