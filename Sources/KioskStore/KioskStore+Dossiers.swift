import KioskDomain
import KioskSQLite

/// Dossiers: each write is one `BEGIN IMMEDIATE` transaction with its event and print job.
extension KioskStore {
    /// Takes the day's next sequence number (1, 2, 3 … per day) inside the caller's transaction.
    private func nextDailySequence(_ db: Database, day: CalendarDay) throws -> Int {
        try IntakeNumberCounter.daySequence.take(db, key: day.description)
    }

    /// Takes the register book's next number (1, 2, 3 … per book) inside the caller's transaction.
    private func nextRegisterNumber(_ db: Database, book: String) throws -> Int {
        try IntakeNumberCounter.registerLine.take(db, key: book)
    }

    /// Records an intake as `recordIntake(day:claimingReceipt:_:)` does, and gives it the next line of the
    /// register book `registerBook` (the year, `2026`) in the same transaction; `build` gets
    /// the day's sequence and the register line, and the dossier keeps that line.
    public func recordIntake(
        day: CalendarDay, registerBook: String, claimingReceipt: Bool = false,
        _ build: @Sendable (_ sequence: Int, _ register: RegisterEntry) throws -> IntakeDraft
    ) throws -> IntakeRecord {
        try write("recording intake") { db in
            let sequence = try nextDailySequence(db, day: day)
            let register = RegisterEntry(book: registerBook, number: try nextRegisterNumber(db, book: registerBook))
            var draft = try build(sequence, register)
            draft.dossier.register = register
            return try insert(db, draft, claimingReceipt: claimingReceipt)
        }
    }

    /// Records an intake in ONE transaction: takes the day's next sequence number, calls
    /// `build` with it, and writes the dossier, its `dossier.received` event (occurredAt =
    /// the dossier's receivedAt) and its print job. If `build` or any write throws, nothing is
    /// written and the sequence number is not used up; `build`'s own errors are rethrown
    /// unchanged.
    ///
    /// With `claimingReceipt`, the receipt's job is written already `sending` for this session
    /// (its first attempt): the caller prints it next, and this transaction's fsync is the only
    /// one before the receipt's first byte (docs/print-once.md).
    public func recordIntake(
        day: CalendarDay, claimingReceipt: Bool = false, _ build: @Sendable (_ sequence: Int) throws -> IntakeDraft
    ) throws -> IntakeRecord {
        try write("recording intake") { db in
            let sequence = try nextDailySequence(db, day: day)
            return try insert(db, try build(sequence), claimingReceipt: claimingReceipt)
        }
    }

    /// The numbers the next intake of `day` would take: the day's next sequence and the next
    /// line of register book `registerBook`. A read only: the flows build and encode the
    /// receipt with them outside the write transaction, then `recordIntake(prepared:…)`.
    public func nextIntakeNumbers(day: CalendarDay, registerBook: String) throws -> IntakeNumbers {
        try read("reading the next intake numbers") { db in
            let sequence = try IntakeNumberCounter.daySequence.last(db, key: day.description)
            let number = try IntakeNumberCounter.registerLine.last(db, key: registerBook)
            return IntakeNumbers(
                day: day, sequence: sequence + 1, register: RegisterEntry(book: registerBook, number: number + 1))
        }
    }

    /// Records an intake prepared outside the transaction with `numbers` (from
    /// ``nextIntakeNumbers(day:registerBook:)``, or the last intake's ``IntakeNumbers/next``):
    /// the transaction takes the day's sequence and the register line as
    /// `recordIntake(day:registerBook:claimingReceipt:_:)` does and writes the draft only when
    /// they are the ones it was built with. Nil, with nothing written, when another intake
    /// took them in between: build again with ``nextIntakeNumbers(day:registerBook:)``.
    ///
    /// `afterCommit` is called with the record on the store's thread as soon as the
    /// transaction has committed (fsynced), before this call returns to its caller: the flows
    /// hand the claimed receipt to the printer there, so its first byte does not wait for the
    /// caller to run again. It must not block (it runs on the store's thread).
    public func recordIntake(
        prepared draft: IntakeDraft, numbers: IntakeNumbers, claimingReceipt: Bool = false,
        afterCommit: (@Sendable (IntakeRecord) -> Void)? = nil
    ) throws -> IntakeRecord? {
        do {
            let record = try write("recording intake") { db in
                let sequence = try nextDailySequence(db, day: numbers.day)
                let number = try nextRegisterNumber(db, book: numbers.register.book)
                guard sequence == numbers.sequence, number == numbers.register.number else {
                    throw IntakeNumbersTaken()
                }
                var draft = draft
                draft.dossier.register = numbers.register
                return try insert(db, draft, claimingReceipt: claimingReceipt)
            }
            afterCommit?(record)
            return record
        } catch is IntakeNumbersTaken {
            return nil
        }
    }

    private func insert(_ db: Database, _ draft: IntakeDraft, claimingReceipt: Bool) throws -> IntakeRecord {
        let dossier = draft.dossier
        try insertDossier(db, dossier)
        let event = try insertEvent(
            db, type: "dossier.received", data: draft.eventData, occurredAt: dossier.receivedAt,
            dossierCode: dossier.code)
        let job = try insertPrintJob(db, draft.printJob, dossierCode: dossier.code, claimed: claimingReceipt)
        return IntakeRecord(dossier: dossier, event: event, printJob: job)
    }

    private func insertDossier(_ db: Database, _ dossier: Dossier) throws {
        let insert = try db.cachedStatement(
            """
            INSERT INTO dossiers (code, procedure_code, procedure_name, applicant_id_number, applicant_name,
                applicant_birth_date, applicant_gender, applicant_address, received_at, received_unix, due_date,
                fee_vnd, delivery_method, delivery_address, postal_item, office, register_book, register_number)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var address: String? = nil
        if case .post(let postAddress) = dossier.delivery { address = postAddress }
        let applicant = dossier.applicant
        do {
            try insert.execute([
                .text(dossier.code), .text(dossier.procedure.code), .text(dossier.procedure.name),
                .text(applicant.idNumber), .text(applicant.name), SQLiteValue(applicant.birthDate?.description),
                .text(applicant.gender), .text(applicant.address), .text(dossier.receivedAt.description),
                .integer(dossier.receivedAt.unixSeconds), .text(dossier.dueDate.description),
                .integer(Int64(dossier.feeVND)), .text(dossier.delivery.method), SQLiteValue(address),
                SQLiteValue(dossier.postalItem), .text(dossier.office), SQLiteValue(dossier.register?.book),
                dossier.register.map { .integer(Int64($0.number)) } ?? .null,
            ])
        } catch {
            guard error.code == .constraintPrimaryKey || error.code == .constraintUnique else { throw error }
            throw StoreError(
                .duplicateDossier, operation: "recording intake",
                detail: "a dossier with code \(dossier.code) is already recorded", sqliteCode: error.code,
                sqliteMessage: error.message)
        }
    }

    /// The dossier with that tracking code, nil when there is none. After the retention purge
    /// its personal fields read back empty.
    public func dossier(code: String) throws -> Dossier? {
        try read("reading a dossier") { db in
            let select = try db.cachedStatement(
                """
                SELECT code, procedure_code, procedure_name, applicant_id_number, applicant_name,
                    applicant_birth_date, applicant_gender, applicant_address, received_at, due_date,
                    fee_vnd, delivery_method, delivery_address, postal_item, office, register_book, register_number
                FROM dossiers WHERE code = ?
                """)
            try select.bind([.text(code)])
            defer { select.reset() }
            guard try select.step() == .row else { return nil }
            guard let due = select.string(at: 9).flatMap(CalendarDay.init(iso:)) else {
                throw StoreError(.malformedRow, operation: "reading dossier \(code)", detail: "bad due_date")
            }
            let applicant = Applicant(
                idNumber: select.string(at: 3) ?? "", name: select.string(at: 4) ?? "",
                birth: select.string(at: 5).flatMap(BirthDate.init(iso:)), gender: select.string(at: 6) ?? "",
                address: select.string(at: 7) ?? "")
            let delivery: Delivery =
                select.string(at: 11) == "post" ? .post(address: select.string(at: 12) ?? "") : .counter
            return Dossier(
                code: select.string(at: 0) ?? code,
                procedure: ProcedureRef(code: select.string(at: 1) ?? "", name: select.string(at: 2) ?? ""),
                applicant: applicant, receivedAt: try select.timestamp(at: 8, "dossier \(code)"), dueDate: due,
                feeVND: select.int(at: 10), delivery: delivery, postalItem: select.string(at: 13),
                office: select.string(at: 14) ?? "",
                register: select.string(at: 15).map { RegisterEntry(book: $0, number: select.int(at: 16)) })
        }
    }

    /// Throws `unknownDossier` unless the last update changed a row.
    private func requireDossierChanged(_ db: Database, code: String, operation: String) throws {
        guard db.changes == 1 else {
            throw StoreError(.unknownDossier, operation: operation, detail: "no dossier with code \(code)")
        }
    }

    /// Records the S10 postal item of a dossier's envelope and its
    /// `dossier.postal-item-attached` event, in one transaction.
    public func attachPostalItem(code: String, postalItem: String, eventData: [UInt8], occurredAt: Timestamp) throws
        -> OutboxEvent
    {
        let operation = "attaching a postal item"
        return try write(operation) { db in
            try db.cachedStatement("UPDATE dossiers SET postal_item = ? WHERE code = ?")
                .execute([.text(postalItem), .text(code)])
            try requireDossierChanged(db, code: code, operation: operation)
            return try insertEvent(
                db, type: "dossier.postal-item-attached", data: eventData, occurredAt: occurredAt, dossierCode: code)
        }
    }

    /// Records the hand-back of a dossier's result: its `returned_at`, the `dossier.returned`
    /// event and the hand-back slip's print job, in one transaction.
    /// With `claimingSlip`, the slip's job is written already `sending` for this session, as an
    /// intake's receipt is. `afterCommit` gets the job on the store's thread once the
    /// transaction committed, as ``recordIntake(prepared:numbers:claimingReceipt:afterCommit:)``'s does.
    public func recordReturn(
        code: String, returnedAt: Timestamp, eventData: [UInt8], printJob: PrintJobDraft, claimingSlip: Bool = false,
        afterCommit: (@Sendable (PrintJob) -> Void)? = nil
    ) throws -> (OutboxEvent, PrintJob) {
        let operation = "recording a return"
        let written = try write(operation) { db in
            try db.cachedStatement("UPDATE dossiers SET returned_at = ? WHERE code = ?")
                .execute([.text(returnedAt.description), .text(code)])
            try requireDossierChanged(db, code: code, operation: operation)
            let event = try insertEvent(
                db, type: "dossier.returned", data: eventData, occurredAt: returnedAt, dossierCode: code)
            let job = try insertPrintJob(db, printJob, dossierCode: code, claimed: claimingSlip)
            return (event, job)
        }
        afterCommit?(written.1)
        return written
    }
}

/// Thrown inside the intake transaction when its numbers were taken, so it rolls back.
private struct IntakeNumbersTaken: Error {}
