import ESCPOS
import KioskConfig
import KioskDomain
import KioskReceipts
import KioskStore
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// The kiosk at work: each scan goes through the session state machine, and what it decides
/// is carried out here — one transaction for each dossier with its event and print job, then
/// the receipt prints. Nothing is half-written: a refusal writes nothing.
public actor KioskFlows {
    /// What handling one scan came to, for the log, the control socket and tests.
    public struct Result: Sendable, Equatable {
        /// The session's outcome (after the service's own checks).
        public var outcome: KioskSession.Outcome
        /// The dossier's tracking code, when one was touched.
        public var code: String?
        /// The print job written, if any.
        public var printJobId: Int64?
    }

    private var session: KioskSession
    private let store: KioskStore
    private let setup: ServiceSetup
    private let printer: any ReceiptPrinting
    private let profile: PrinterProfile
    private let logger: Logger
    private let onEventWritten: @Sendable () async -> Void
    private let now: @Sendable () -> Timestamp
    private let events: ServiceEvents?
    /// When the last refusal slip printed (Unix seconds), so a scanner repeating a bad code
    /// cannot print a stream of them.
    private var lastRefusalSlipAt: Int64?
    /// Shortest gap between two refusal slips.
    static let refusalSlipGapSeconds: Int64 = 5
    /// The facts a `KIOSK:STATUS` slip prints, from the running service (nil: not attached).
    private var technicianStatus: (@Sendable () async -> TechnicianStatus?)?

    /// Creates the flows over a store and a printer.
    public init(
        setup: ServiceSetup, store: KioskStore, printer: any ReceiptPrinting, profile: PrinterProfile, logger: Logger,
        now: @escaping @Sendable () -> Timestamp = { Timestamp(unixSeconds: wallClockSeconds()) },
        events: ServiceEvents? = nil, onEventWritten: @escaping @Sendable () async -> Void = {}
    ) {
        self.events = events
        self.setup = setup
        self.store = store
        self.printer = printer
        self.profile = profile
        self.logger = logger
        self.now = now
        self.onEventWritten = onEventWritten
        self.session = KioskSession(technicianCodesEnabled: setup.configuration.control.technicianCodes)
    }

    /// Where `KIOSK:STATUS` takes its facts from: the running service attaches itself here.
    func attachTechnicianStatus(_ source: @escaping @Sendable () async -> TechnicianStatus?) {
        technicianStatus = source
    }

    /// Blocks this actor (and so the main loop's pulse) for a while: the watchdog test hook.
    public func freezeForTesting(seconds: UInt32) {
        sleep(seconds)
    }

    /// Whether counter mode is on.
    public var isClerkMode: Bool { session.isClerkMode }

    /// The conversation as it stands, for the kiosk a reload starts.
    public var sessionInProgress: KioskSession { session }

    /// Takes over the conversation of the kiosk a reload replaced, so a citizen between two
    /// scans (ID card read, procedure not yet) does not start over; the technician-code
    /// setting stays this configuration's.
    public func continueSession(from previous: KioskFlows) async {
        var carried = await previous.sessionInProgress
        carried.technicianCodesEnabled = session.technicianCodesEnabled
        session = carried
    }

    /// Drops an idle session; call it every few seconds.
    public func expireIdleSession() -> KioskSession.Outcome? {
        let outcome = session.expire(now: now())
        if let outcome {
            logger.log(.info, "session timed out")
            events?.publish(.handled(Result(outcome: outcome)))
        }
        return outcome
    }

    /// Handles one scan as read from the scanner (or typed in the demo).
    public func handle(scan text: String) async -> Result {
        let parsed = ScanParser().parse(text)
        let catalog = setup.catalog
        // Only a procedure scan that completes an intake needs the printer's word; asking on
        // every scan would put a device round trip on ID-card, lookup and clerk scans too.
        var problem: String?
        if case .success(.procedureCode(let code)) = parsed, case .awaitingProcedure = session.state,
            catalog.procedure(code: code) != nil
        {
            problem = await printer.problem()
        }
        let outcome = session.handle(
            parsed, now: now(), knowsProcedure: { catalog.procedure(code: $0) != nil }, printerProblem: problem)
        let result = await carryOut(outcome)
        log(parsed, result)
        events?.publish(.handled(result))
        if case .refused(let refusal) = result.outcome { await tellCitizen(refusal) }
        return result
    }

    /// A refusal always reaches the citizen at the kiosk (docs/refusals.md): the buzzer where
    /// the profile has one; otherwise, for the refusals that send the citizen elsewhere and
    /// when the printer can print, a short slip saying what happened and what to do. (A front
    /// end also gets every refusal on the control socket.)
    private func tellCitizen(_ refusal: SessionRefusal) async {
        if profile.hasBuzzer {
            await printer.signalRefusal()
            return
        }
        guard RefusalSlip.prints(for: refusal) else { return }
        let at = now()
        if let last = lastRefusalSlipAt, at.unixSeconds - last < Self.refusalSlipGapSeconds { return }
        guard await printer.problem() == nil else { return }
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

    /// Takes a dossier in from a front end (the control socket's `intake`): the same checks
    /// and the same transaction as a scanned intake.
    public func intake(card: CitizenIDCard, procedureCode: String, contact: IntakeContact = IntakeContact()) async
        -> Result
    {
        let result = await frontEndIntake(card: card, procedureCode: procedureCode, contact: contact)
        events?.publish(.handled(result))
        return result
    }

    private func frontEndIntake(card: CitizenIDCard, procedureCode: String, contact: IntakeContact) async -> Result {
        guard setup.catalog.procedure(code: procedureCode) != nil else {
            return Result(outcome: .refused(.unknownProcedure(code: procedureCode)))
        }
        if let problem = await printer.problem() {
            return Result(outcome: .refused(.printerUnavailable(reason: problem)))
        }
        return await recordIntake(card: card, procedureCode: procedureCode, contact: contact)
    }

    private func carryOut(_ outcome: KioskSession.Outcome) async -> Result {
        switch outcome {
        case .intake(let card, let procedureCode):
            return await recordIntake(card: card, procedureCode: procedureCode)
        case .lookup(let code):
            return await printStatus(code: code.description)
        case .attachPostalItem(let code, let item):
            return await attach(code: code.description, item: item.description)
        case .handBack(let code, let card):
            return await handBack(code: code.description, card: card)
        case .technician(let control):
            return await printTechnicianPage(control)
        default:
            return Result(outcome: outcome)
        }
    }

    private func recordIntake(card: CitizenIDCard, procedureCode: String, contact: IntakeContact = IntakeContact())
        async -> Result
    {
        guard let procedure = setup.catalog.procedure(code: procedureCode) else {
            return Result(outcome: .refused(.unknownProcedure(code: procedureCode)))
        }
        let receivedAt = now()
        let kiosk = setup.configuration.kiosk
        // The kiosk's cut-off, or the procedure's own for same-day procedures (SameDayCutoff=).
        let calendar = AppointmentCalendar(cutOffSecondOfDay: kiosk.cutoff.secondOfDay)
        let due = calendar.appointmentDate(
            receivedAt: receivedAt, workingDays: procedure.workingDays,
            cutOffSecondOfDay: procedure.sameDayCutoff?.secondOfDay, extraHolidays: setup.holidays.days,
            extraWorkingDays: setup.holidays.workingDays)
        let profile = self.profile
        // A front end may give another address for the result; a scan has only the card's.
        let delivery: Delivery =
            procedure.delivery == .post ? .post(address: contact.address ?? card.applicant.address) : .counter
        let form = ReceiptForm(kiosk: kiosk, procedure: procedure)
        do {
            let book = String(receivedAt.localDay.year)
            // The receipt's job is written `sending` in the intake's own transaction: one fsync
            // before its first byte (docs/print-once.md).
            let record = try await store.recordIntake(
                day: receivedAt.localDay, registerBook: book, claimingReceipt: true
            ) { sequence, register in
                guard let code = TrackingCode(prefix: kiosk.codePrefix, day: receivedAt.localDay, sequence: sequence)
                else { throw SessionRefusalError(refusal: .dailyLimitReached) }
                var dossier = Dossier(
                    code: code.description, procedure: procedure.ref, applicant: card.applicant, receivedAt: receivedAt,
                    dueDate: due, feeVND: procedure.feeVND, delivery: delivery, office: kiosk.office,
                    register: register, documents: procedure.documents)
                dossier.contact = contact
                let receipt = IntakeReceipt(dossier: dossier, kioskId: kiosk.id, form: form)
                let bytes = ESCPOSEncoder.encode(receipt.document(columns: profile.columnsFontA), profile: profile)
                return IntakeDraft(
                    dossier: dossier, eventData: EventData.received(dossier),
                    printJob: PrintJobDraft(kind: "intake-receipt", payload: bytes))
            }
            await onEventWritten()
            await printer.jobsAdded()
            return Result(
                outcome: .intake(card, procedureCode: procedureCode), code: record.dossier.code,
                printJobId: record.printJob.id)
        } catch let error as SessionRefusalError {
            return Result(outcome: .refused(error.refusal))
        } catch {
            logger.log(.error, "intake not recorded", [("reason", "\(error)")])
            return Result(outcome: .refused(.storeFailure(reason: "\(error)")))
        }
    }

    /// `KIOSK:TEST-PAGE` and `KIOSK:STATUS`: a print job like every other slip's, refused now
    /// when the printer cannot print (never queued for later).
    private func printTechnicianPage(_ control: ControlCode) async -> Result {
        let kind: String
        let payload: [UInt8]
        switch control {
        case .testPage:
            kind = "test-page"
            payload = TestPage.bytes(for: profile)
        case .status:
            let status: TechnicianStatus
            if let attached = await technicianStatus?() { status = attached } else { status = await unattachedStatus() }
            let slip = TechnicianStatusSlip(status: status, printedAt: now())
            kind = "technician-status"
            payload = ESCPOSEncoder.encode(slip.document(columns: profile.columnsFontA), profile: profile)
        default:
            return Result(outcome: .technician(control))
        }
        if let problem = await printer.problem() {
            return Result(outcome: .refused(.printerUnavailable(reason: problem)))
        }
        do {
            let job = try await store.enqueuePrintJob(PrintJobDraft(kind: kind, payload: payload), dossierCode: nil)
            await printer.jobsAdded()
            return Result(outcome: .technician(control), printJobId: job.id)
        } catch {
            logger.log(.error, "\(kind) not printed", [("reason", "\(error)")])
            return Result(outcome: .refused(.storeFailure(reason: "\(error)")))
        }
    }

    /// What the flows know themselves, when no running service attached its facts.
    private func unattachedStatus() async -> TechnicianStatus {
        let configuration = setup.configuration
        return TechnicianStatus.facts(
            kioskId: configuration.kiosk.id, version: kioskSoftwareVersion, printerProfile: profile.name,
            printerDevice: configuration.printer.device, printerState: "unknown",
            scannerDevice: configuration.scanner.device,
            scannerState: "unknown", backlog: (try? await store.summary())?.pending ?? 0, deadLetters: 0,
            centralURL: configuration.central.url, forwarding: "unknown", hostName: NetworkAddresses.hostName(),
            addresses: NetworkAddresses.current())
    }

    private func printStatus(code: String) async -> Result {
        // A slip that cannot print now is refused now, never queued for whoever stands at the
        // kiosk when the paper is back.
        if let problem = await printer.problem() {
            return Result(outcome: .refused(.printerUnavailable(reason: problem)), code: code)
        }
        do {
            let dossier = try await store.dossier(code: code)
            let status = try await store.latestStatus(code: code)
            guard dossier != nil || status != nil else { return Result(outcome: .refused(.unknownDossier(code: code))) }
            let slip = StatusSlip.lookupSlip(code: code, dossier: dossier, status: status, printedAt: now())
            let job = try await store.enqueuePrintJob(
                PrintJobDraft(
                    kind: slip.kind,
                    payload: ESCPOSEncoder.encode(slip.document(profile.columnsFontA), profile: profile)),
                dossierCode: dossier == nil ? nil : code)
            await printer.jobsAdded()
            return Result(outcome: .lookup(TrackingCode(parsing: code)!), code: code, printJobId: job.id)
        } catch {
            logger.log(.error, "status slip not printed", [("code", code), ("reason", "\(error)")])
            return Result(outcome: .refused(.storeFailure(reason: "\(error)")), code: code)
        }
    }

    private func attach(code: String, item: String) async -> Result {
        do {
            guard try await store.dossier(code: code) != nil else {
                return Result(outcome: .refused(.unknownDossier(code: code)), code: code)
            }
            _ = try await store.attachPostalItem(
                code: code, postalItem: item, eventData: EventData.postalItemAttached(code: code, postalItem: item),
                occurredAt: now())
            await onEventWritten()
            return Result(outcome: .attachPostalItem(TrackingCode(parsing: code)!, S10Code(parsing: item)!), code: code)
        } catch {
            return Result(outcome: .refused(.storeFailure(reason: "\(error)")), code: code)
        }
    }

    private func handBack(code: String, card: CitizenIDCard) async -> Result {
        do {
            guard let dossier = try await store.dossier(code: code) else {
                return Result(outcome: .refused(.unknownDossier(code: code)), code: code)
            }
            guard dossier.applicant.idNumber == card.applicant.idNumber else {
                return Result(outcome: .refused(.idCardMismatch), code: code)
            }
            // The hand-back slip is the citizen's proof: no hand-back is recorded without it.
            if let problem = await printer.problem() {
                return Result(outcome: .refused(.printerUnavailable(reason: problem)), code: code)
            }
            let at = now()
            let slip = HandBackSlip(dossier: dossier, returnedAt: at)
            let (_, job) = try await store.recordReturn(
                code: code, returnedAt: at,
                eventData: EventData.returned(code: code, at: at, idNumber: card.applicant.idNumber),
                printJob: PrintJobDraft(
                    kind: "hand-back-slip",
                    payload: ESCPOSEncoder.encode(slip.document(columns: profile.columnsFontA), profile: profile)))
            await onEventWritten()
            await printer.jobsAdded()
            return Result(outcome: .handBack(TrackingCode(parsing: code)!, card), code: code, printJobId: job.id)
        } catch {
            return Result(outcome: .refused(.storeFailure(reason: "\(error)")), code: code)
        }
    }

    /// One line per scan: its kind and what came of it; never the scanned text itself.
    private func log(_ parsed: Swift.Result<Scan, ScanRejection>, _ result: Result) {
        var fields: [(String, String)] = []
        switch parsed {
        case .success(let scan):
            fields.append(("scan", scan.kind))
            if case .idCard(let card) = scan, card.ignoredFieldCount > 0 {
                // The count and layout only: the fields themselves may be personal data.
                logger.log(
                    .debug, "id card fields ignored",
                    [("layout", card.layout.rawValue), ("ignored", "\(card.ignoredFieldCount)")])
            }
        case .failure(let rejection):
            fields.append(("scan", "unreadable"))
            fields.append(("why", "\(rejection)"))
        }
        if let code = result.code { fields.append(("code", code)) }
        switch result.outcome {
        case .refused(let refusal):
            fields.append(("refused", refusal.code))
            logger.log(.notice, "scan refused", fields)
        default:
            fields.append(("outcome", "\(result.outcome.name)"))
            logger.log(.info, "scan handled", fields)
        }
    }
}

/// A refusal raised inside the intake transaction, so the transaction rolls back.
struct SessionRefusalError: Error {
    var refusal: SessionRefusal
}

extension KioskSession.Outcome {
    /// A short name for logs and the control socket: `intake`, `lookup`, `refused`, …
    public var name: String {
        switch self {
        case .awaitingProcedure: "awaiting-procedure"
        case .intake: "intake"
        case .lookup: "lookup"
        case .clerkMode(let on): on ? "clerk-mode-on" : "clerk-mode-off"
        case .awaitingItem: "awaiting-item"
        case .attachPostalItem: "postal-item-attached"
        case .handBack: "returned"
        case .cancelled: "cancelled"
        case .timedOut: "timed-out"
        case .technician(let control): "technician-\(control == .testPage ? "test-page" : "status")"
        case .refused: "refused"
        }
    }
}
