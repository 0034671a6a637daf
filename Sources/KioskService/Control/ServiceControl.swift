import ESCPOS
import KioskConfig
import KioskControl
import KioskDevices
import KioskDomain
import KioskReceipts
import KioskStore
import KioskSystem

/// The running service's answers to control-socket requests.
struct ServiceControl: ControlRequestHandling {
    let kiosk: RunningKiosk

    func status() async -> ControlValue {
        let summary = try? await kiosk.store.summary()
        let forwarder = await kiosk.forwarder.status
        // Asked now: `kioskctl status` is a health check, and the printer is otherwise only
        // asked when a job comes (a paper-out between jobs would go unseen).
        let printerState = await kiosk.link.status()
        var printer: [String: ControlValue] = [
            "state": .string(printerState.rawValue),
            "device": .string(kiosk.setup.configuration.printer.device),
            "profile": .string(kiosk.profile.name),
        ]
        if let detail = kiosk.link.lastKnownDetail { printer["detail"] = .string(detail) }
        var central: [String: ControlValue] = [
            "url": kiosk.setup.configuration.central.url.map { .string($0) } ?? .null,
            "state": .string(forwarder.state.rawValue),
            "consecutiveFailures": .int(Int64(forwarder.consecutiveFailures)),
            "delivered": .int(Int64(forwarder.totalDelivered)),
            "batchSize": .int(Int64(forwarder.batchSize)),
        ]
        if let at = forwarder.lastDeliveryAt { central["lastDeliveryAt"] = .string(at.description) }
        if let error = forwarder.lastError { central["lastError"] = .string(error) }
        if let skew = forwarder.clockSkewSeconds { central["clockSkewSeconds"] = .int(skew) }
        if let next = forwarder.nextAttemptAt { central["nextAttemptAt"] = .string(next.description) }
        // The database's health: readable (the summary above), and writable by this process
        // (a file left by a run as root would refuse every intake).
        var database: [String: ControlValue] = ["path": .string(kiosk.store.path)]
        if let problem = StateDirectory.writeProblem(
            StateLayout(directory: kiosk.setup.configuration.kiosk.stateDirectory))
        {
            database["state"] = .string("not-writable")
            database["problem"] = .string(problem)
        } else if summary == nil {
            database["state"] = .string("unreadable")
        } else {
            database["state"] = .string("ok")
        }
        return .ok([
            "kiosk": .string(kiosk.setup.configuration.kiosk.id),
            "version": .string(kioskSoftwareVersion),
            "printer": .object(printer),
            "scanner": .object([
                "state": .string(kiosk.scanner.healthValue),
                "device": .string(kiosk.setup.configuration.scanner.device),
            ]),
            "clerkMode": .bool(await kiosk.flows.isClerkMode),
            "backlog": .int(Int64(summary?.pending ?? 0)),
            "oldestPendingAt": summary?.oldestPendingAt.map { .string($0.description) } ?? .null,
            "deadLetters": .int(Int64(summary?.deadLetters ?? 0)),
            "central": .object(central),
            "database": .object(database),
        ])
    }

    func queue(limit: Int) async -> ControlValue {
        do {
            let summary = try await kiosk.store.summary()
            let events = try await kiosk.store.pendingEvents(limit: max(1, min(limit, 1000)))
            let printJobs = try await kiosk.store.allPrintJobs()
            let dead = try await kiosk.store.deadLetters(limit: max(1, min(limit, 1000)))
            return .ok([
                "printJobs": .array(printJobs.map(Self.value)),
                "oldestPendingAt": summary.oldestPendingAt.map { .string($0.description) } ?? .null,
                "lastDeliveredAt": summary.lastDeliveredAt.map { .string($0.description) } ?? .null,
                "dead": .array(
                    dead.map {
                        .object([
                            "seq": .int($0.event.seq), "id": .string($0.event.id), "type": .string($0.event.type),
                            "occurredAt": .string($0.event.occurredAt.description),
                            "attempts": .int(Int64($0.event.attempts)), "deadReason": .string($0.reason),
                            "deadAt": .string($0.at.description),
                        ])
                    }),
                "pending": .int(Int64(summary.pending)), "deadLetters": .int(Int64(summary.deadLetters)),
                "delivered": .int(Int64(summary.delivered)), "lastSeq": .int(summary.lastSeq),
                "events": .array(
                    events.map {
                        .object([
                            "seq": .int($0.seq), "id": .string($0.id), "type": .string($0.type),
                            "occurredAt": .string($0.occurredAt.description), "attempts": .int(Int64($0.attempts)),
                            "lastError": $0.lastError.map { .string($0) } ?? .null,
                        ])
                    }),
            ])
        } catch {
            return .error("store", "\(error)")
        }
    }

    func requeue(id: String?, all: Bool) async -> ControlValue {
        do {
            let ids = all ? try await kiosk.store.deadLetters(limit: 1_000_000).map(\.event.id) : id.map { [$0] } ?? []
            var requeued: [ControlValue] = []
            for eventId in ids where try await kiosk.store.requeue(id: eventId) { requeued.append(.string(eventId)) }
            if !all, requeued.isEmpty { return .error("not-found", "no dead letter with that id") }
            await kiosk.forwarder.nudge()
            return .ok(["requeued": .array(requeued)])
        } catch {
            return .error("store", "\(error)")
        }
    }

    func testPrint() async -> ControlValue {
        Self.answer(await kiosk.flows.printTestPage())
    }

    func reprint(code: String) async -> ControlValue {
        Self.answer(await kiosk.flows.reprint(code: code))
    }

    func lookup(code: String, print: Bool) async -> ControlValue {
        do {
            let dossier = try await kiosk.store.dossier(code: code)
            let status = try await kiosk.store.latestStatus(code: code)
            guard dossier != nil || status != nil else {
                return .error("unknown-dossier", "no dossier \(code) at this kiosk")
            }
            var fields: [String: ControlValue] = [
                "code": .string(code), "status": .string(status?.status.rawValue ?? DossierStatus.received.rawValue),
            ]
            if let note = status?.note { fields["note"] = .string(note) }
            if let at = status?.at { fields["statusAt"] = .string(at.description) }
            if let due = status?.dueDate { fields["newDueDate"] = .string(due.description) }
            if let time = status?.dueTime { fields["newDueTime"] = .string(time.description) }
            if let dossier {
                fields["procedure"] = .object([
                    "code": .string(dossier.procedure.code), "name": .string(dossier.procedure.name),
                ])
                fields["receivedAt"] = .string(dossier.receivedAt.description)
                fields["dueDate"] = .string(dossier.dueDate.description)
                fields["idNumber"] = .string(dossier.applicant.maskedIdNumber)
                fields["postalItem"] = dossier.postalItem.map { .string($0) } ?? .null
            }
            if print {
                // Decided by the flows like every print, but never through the scanner's
                // session: the citizen standing at the kiosk keeps theirs.
                let answer = await kiosk.flows.printStatusSlip(code: code)
                guard case .printing(let job) = answer else { return Self.answer(answer) }
                fields["printJob"] = .int(job)
            }
            return .ok(fields)
        } catch {
            return .error("store", "\(error)")
        }
    }

    func intake(idCardQR: String, procedureCode: String) async -> ControlValue {
        await intake(idCardQR: idCardQR, procedureCode: procedureCode, contact: ContactFields())
    }

    func intake(idCardQR: String, procedureCode: String, contact fields: ContactFields) async -> ControlValue {
        let contact: IntakeContact
        switch IntakeContact.parse(address: fields.address, phone: fields.phone, email: fields.email) {
        case .failure(let problem): return .error("invalid-contact", "\(problem)")
        case .success(let parsed): contact = parsed
        }
        switch CitizenIDCard.parse(idCardQR) {
        case .failure(let problem):
            // A card read well but unusable here sends the citizen to the counter, not to rescan.
            let refusal = SessionRefusal.invalidScan(.idCard(problem))
            return .object([
                "ok": .bool(false), "error": .string(problem.isMisread ? "invalid-id-card" : refusal.code),
                "message": .string("\(problem)"), "vietnamese": .string(refusal.vietnamese),
            ])
        case .success(let card):
            return Self.answer(await kiosk.flows.intake(card: card, procedureCode: procedureCode, contact: contact))
        }
    }

    func scan(text: String) async -> ControlValue {
        Self.answer(await kiosk.flows.handle(scan: text))
    }

    func subscribe() async -> AsyncStream<ControlValue> {
        let source = kiosk.events.subscribe()
        return AsyncStream(bufferingPolicy: .bufferingNewest(64)) { continuation in
            let task = Task {
                for await event in source { continuation.yield(Self.value(event)) }
                continuation.finish()
            }
            continuation.onTermination = { @Sendable _ in task.cancel() }
        }
    }

    /// A print request's answer: the job, or the refusal as an error a technician can act on.
    static func answer(_ answer: PrintAnswer) -> ControlValue {
        switch answer {
        case .printing(let job): return .ok(["printJob": .int(job)])
        case .refused(.printerUnavailable(let reason)):
            return .error("printer-unavailable", "printer cannot print: \(reason)")
        case .refused(.unknownDossier(let code)): return .error("unknown-dossier", "no dossier \(code) at this kiosk")
        case .refused(let refusal): return .error("store", refusal.description)
        }
    }

    /// A handled scan as an answer: refusals are `ok:false` with the refusal's code and both
    /// its English and Vietnamese texts, so a front end can show the latter.
    static func answer(_ result: KioskFlows.Result) -> ControlValue {
        var fields: [String: ControlValue] = ["outcome": .string(result.outcome.name)]
        if let code = result.code { fields["code"] = .string(code) }
        if let job = result.printJobId { fields["printJob"] = .int(job) }
        if let calibration = result.calibration { fields["calibration"] = .string(calibration) }
        if case .refused(let refusal) = result.outcome {
            fields["ok"] = .bool(false)
            fields["error"] = .string(refusal.code)
            fields["message"] = .string(refusal.description)
            fields["vietnamese"] = .string(refusal.vietnamese)
            return .object(fields)
        }
        return .ok(fields)
    }

    /// A print job as `queue` shows it: its life, never its content.
    static func value(_ job: PrintJob) -> ControlValue {
        .object([
            "id": .int(job.id), "kind": .string(job.kind), "stage": .string(job.stage.rawValue),
            "attempts": .int(Int64(job.attempts)), "reprint": .bool(job.reprint),
            "createdAt": .string(job.createdAt.description), "bytes": .int(Int64(job.payload.count)),
            "code": job.dossierCode.map { .string($0) } ?? .null,
            "heldReason": job.heldReason.map { .string($0) } ?? .null,
        ])
    }

    static func value(_ event: ServiceEvents.Event) -> ControlValue {
        switch event {
        case .handled(let result):
            var fields: [String: ControlValue] = ["event": .string("scan"), "outcome": .string(result.outcome.name)]
            if let code = result.code { fields["code"] = .string(code) }
            if let calibration = result.calibration { fields["calibration"] = .string(calibration) }
            if case .refused(let refusal) = result.outcome {
                fields["refused"] = .string(refusal.code)
                // For the clerk (never personal data): why, and what to tell the citizen.
                fields["reason"] = .string(refusal.description)
                fields["vietnamese"] = .string(refusal.vietnamese)
            }
            return .object(fields)
        case .printer(let state): return .object(["event": .string("printer"), "state": .string(state)])
        case .scanner(let state):
            return .object(["event": .string("scanner"), "state": .string(state.healthValue)])
        }
    }
}
