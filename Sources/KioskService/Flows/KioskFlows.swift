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
///
/// The flows are the one owner of "print or refuse" (`KioskFlows+Printing.swift`): every
/// print — a scan's receipt, status slip, hand-back slip or technician page, and the control
/// socket's test print, reprint and printed lookup — asks the printer once, here, and is
/// refused at once with the printer's reason, or written already claimed and handed to the
/// printer as its transaction commits, on the store's thread (the print queue records its
/// steps and never decides again).
///
/// The flows run on the store's thread (``unownedExecutor``), as the print queue does: each
/// store call of a scan is a call on the same thread, not a hand-off to the store's thread
/// and back (docs/crossings.md). What the flows wait for — the printer's answer, the
/// forwarder's nudge — frees the thread as any `await` does.
public actor KioskFlows {
    /// What handling one scan came to, for the log, the control socket and tests.
    public struct Result: Sendable, Equatable {
        /// The session's outcome (after the service's own checks).
        public var outcome: KioskSession.Outcome
        /// The dossier's tracking code, when one was touched.
        public var code: String?
        /// The print job written, if any.
        public var printJobId: Int64?
        /// Where a printer calibration (`KIOSK:CALIBRATE`) stands after this scan, if one is
        /// under way or just ended: `sheet printed`, `answer CAL:CUT:partial`, `complete`, …
        public var calibration: String?
    }

    private var session: KioskSession
    let store: KioskStore

    /// The store's executor: the flows' work and their store calls share its one thread.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { store.unownedExecutor }
    let setup: ServiceSetup
    let printer: any ReceiptPrinting
    /// The profile receipts are encoded with; a finished calibration switches it.
    var profile: PrinterProfile
    let logger: Logger
    private let onEventWritten: @Sendable () async -> Void
    let now: @Sendable () -> Timestamp
    let events: ServiceEvents?
    /// The printer calibration under way (`KIOSK:CALIBRATE`), if any (KioskFlows+Calibration).
    var calibration: CalibrationSession?
    /// Called once a calibration wrote the local profile: the running service reloads, so the
    /// print queue and the next kiosk print with it too (nil: not attached).
    var profileCalibrated: (@Sendable () -> Void)?
    /// When the last refusal slip printed (Unix seconds), so a scanner repeating a bad code
    /// cannot print a stream of them.
    var lastRefusalSlipAt: Int64?
    /// Shortest gap between two refusal slips.
    static let refusalSlipGapSeconds: Int64 = 5
    /// The facts a `KIOSK:STATUS` slip prints, from the running service (nil: not attached).
    var technicianStatus: (@Sendable () async -> TechnicianStatus?)?
    /// The numbers the next intake will take, as the last intake left them: the receipt is
    /// built and encoded with them before the write transaction, which only checks them.
    /// Nil until the first intake of a day, and after any failure (read again then).
    private var nextNumbers: IntakeNumbers?

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
        calibration = await previous.calibration
    }

    /// Drops an idle session; call it every few seconds.
    public func expireIdleSession() -> KioskSession.Outcome? {
        if expireCalibration() { return .timedOut }
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
        if calibration != nil, let result = await continueCalibration(scan: text, parsed: parsed) {
            events?.publish(.handled(result))
            if case .refused(let refusal) = result.outcome { await tellCitizen(refusal) }
            return result
        }
        let catalog = setup.catalog
        // Only a procedure scan that completes an intake needs the printer's word; asking on
        // every scan would put a device round trip on ID-card, lookup and clerk scans too.
        var problem: String?
        if case .success(.procedureCode(let code)) = parsed, case .awaitingProcedure = session.state,
            catalog.procedure(code: code) != nil
        {
            problem = await printerProblem()
        }
        let outcome = session.handle(
            parsed, now: now(), knowsProcedure: { catalog.procedure(code: $0) != nil }, printerProblem: problem)
        let result = await carryOut(outcome)
        log(parsed, result)
        events?.publish(.handled(result))
        if case .refused(let refusal) = result.outcome { await tellCitizen(refusal) }
        return result
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
        if let problem = await printerProblem() {
            return Result(outcome: .refused(.printerUnavailable(reason: problem)))
        }
        return await recordIntake(card: card, procedureCode: procedureCode, contact: contact)
    }

    private func carryOut(_ outcome: KioskSession.Outcome) async -> Result {
        switch outcome {
        case .intake(let card, let procedureCode):
            return await recordIntake(card: card, procedureCode: procedureCode)
        case .lookup(let code):
            return await printStatus(code: code)
        case .attachPostalItem(let code, let item):
            return await attach(code: code, item: item)
        case .handBack(let code, let card):
            return await handBack(code: code, card: card)
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
        let day = receivedAt.localDay
        let book = String(day.year)
        do {
            // Built and encoded before the write transaction, with the numbers it will take;
            // the transaction only checks them (another intake in between: built again).
            for _ in 0..<3 {
                let numbers: IntakeNumbers
                if let known = nextNumbers, known.day == day, known.register.book == book {
                    numbers = known
                } else {
                    numbers = try await store.nextIntakeNumbers(day: day, registerBook: book)
                }
                guard let code = TrackingCode(prefix: kiosk.codePrefix, day: day, sequence: numbers.sequence) else {
                    return Result(outcome: .refused(.dailyLimitReached))
                }
                var dossier = Dossier(
                    code: code.description, procedure: procedure.ref, applicant: card.applicant, receivedAt: receivedAt,
                    dueDate: due, feeVND: procedure.feeVND, delivery: delivery, office: kiosk.office,
                    register: numbers.register, documents: procedure.documents)
                dossier.contact = contact
                let receipt = IntakeReceipt(dossier: dossier, kioskId: kiosk.id, form: form)
                let bytes = ESCPOSEncoder.encode(receipt.document(columns: profile.columnsFontA), profile: profile)
                let draft = IntakeDraft(
                    dossier: dossier, eventData: EventData.received(dossier),
                    printJob: PrintJobDraft(kind: "intake-receipt", payload: bytes))
                // The receipt's job is written `sending` in the intake's own transaction: one
                // fsync before its first byte (docs/print-once.md). It is handed to the printer
                // on the store's thread as the transaction commits, so its first byte does not
                // wait for these flows to run again (docs/crossings.md).
                let printer = self.printer
                guard
                    let record = try await store.recordIntake(
                        prepared: draft, numbers: numbers, claimingReceipt: true,
                        afterCommit: { printer.print($0.printJob) })
                else {
                    nextNumbers = nil
                    continue
                }
                nextNumbers = numbers.next
                await onEventWritten()
                return Result(
                    outcome: .intake(card, procedureCode: procedureCode), code: record.dossier.code,
                    printJobId: record.printJob.id)
            }
            logger.log(.error, "intake not recorded", [("reason", "its numbers were taken three times in a row")])
            return Result(outcome: .refused(.storeFailure(reason: "the day's sequence kept changing; scan again")))
        } catch {
            nextNumbers = nil
            logger.log(.error, "intake not recorded", [("reason", "\(error)")])
            return Result(outcome: .refused(.storeFailure(reason: "\(error)")))
        }
    }

    private func attach(code: TrackingCode, item: S10Code) async -> Result {
        let text = code.description
        do {
            guard try await store.dossier(code: text) != nil else {
                return Result(outcome: .refused(.unknownDossier(code: text)), code: text)
            }
            _ = try await store.attachPostalItem(
                code: text, postalItem: item.description,
                eventData: EventData.postalItemAttached(code: text, postalItem: item.description), occurredAt: now())
            await onEventWritten()
            return Result(outcome: .attachPostalItem(code, item), code: text)
        } catch {
            return Result(outcome: .refused(.storeFailure(reason: "\(error)")), code: text)
        }
    }

    private func handBack(code: TrackingCode, card: CitizenIDCard) async -> Result {
        let text = code.description
        do {
            guard let dossier = try await store.dossier(code: text) else {
                return Result(outcome: .refused(.unknownDossier(code: text)), code: text)
            }
            guard dossier.applicant.idNumber == card.applicant.idNumber else {
                return Result(outcome: .refused(.idCardMismatch), code: text)
            }
            // The hand-back slip is the citizen's proof: no hand-back is recorded without it.
            if let problem = await printerProblem() {
                return Result(outcome: .refused(.printerUnavailable(reason: problem)), code: text)
            }
            let at = now()
            let slip = HandBackSlip(dossier: dossier, returnedAt: at)
            let payload = ESCPOSEncoder.encode(slip.document(columns: profile.columnsFontA), profile: profile)
            let (_, job) = try await store.recordReturn(
                code: text, returnedAt: at,
                eventData: EventData.returned(code: text, at: at, idNumber: card.applicant.idNumber),
                printJob: PrintJobDraft(kind: "hand-back-slip", payload: payload), claimingSlip: true,
                afterCommit: { [printer] in printer.print($0) })
            await onEventWritten()
            return Result(outcome: .handBack(code, card), code: text, printJobId: job.id)
        } catch {
            return Result(outcome: .refused(.storeFailure(reason: "\(error)")), code: text)
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
        case .technician(.testPage): "technician-test-page"
        case .technician(.calibrate): "technician-calibrate"
        case .technician: "technician-status"
        case .refused: "refused"
        }
    }
}
