import KioskDomain

/// What the intake closure returns: the dossier (with its code built from the day's
/// sequence), the `dossier.received` event data, and the receipt's print job.
public struct IntakeDraft: Sendable {
    /// The dossier to record.
    public var dossier: Dossier
    /// The JSON `data` of its `dossier.received` event.
    public var eventData: [UInt8]
    /// The receipt.
    public var printJob: PrintJobDraft

    /// Creates a draft.
    public init(dossier: Dossier, eventData: [UInt8], printJob: PrintJobDraft) {
        self.dossier = dossier
        self.eventData = eventData
        self.printJob = printJob
    }
}

/// What one intake wrote, in one transaction.
public struct IntakeRecord: Sendable {
    /// The dossier as recorded.
    public var dossier: Dossier
    /// Its `dossier.received` event.
    public var event: OutboxEvent
    /// Its receipt.
    public var printJob: PrintJob

    /// Creates a record.
    public init(dossier: Dossier, event: OutboxEvent, printJob: PrintJob) {
        self.dossier = dossier
        self.event = event
        self.printJob = printJob
    }
}

/// A corrupt database file that was moved aside at open, and why.
public struct StoreRecovery: Sendable, Equatable {
    /// Where the corrupt file now is (`kiosk.db.corrupt-20261121T021502Z`); its `-wal` and
    /// `-shm`, if any, sit beside it with the same prefix.
    public var movedTo: String
    /// What was wrong, e.g. `integrity_check: Page 5: btreeInitPage() returns error code 11`.
    public var reason: String

    /// Creates a recovery note.
    public init(movedTo: String, reason: String) {
        self.movedTo = movedTo
        self.reason = reason
    }
}

/// What a retention purge removed.
public struct PurgeReport: Sendable, Equatable {
    /// Delivered events deleted.
    public var eventsDeleted: Int
    /// Dossiers whose personal data was erased.
    public var dossiersScrubbed: Int

    /// Creates a report.
    public init(eventsDeleted: Int, dossiersScrubbed: Int) {
        self.eventsDeleted = eventsDeleted
        self.dossiersScrubbed = dossiersScrubbed
    }
}

/// The numbers an intake takes: the day's sequence (the tracking code's) and the register line.
public struct IntakeNumbers: Sendable, Equatable {
    /// The day of the sequence.
    public var day: CalendarDay
    /// The day's sequence number.
    public var sequence: Int
    /// The register book and line.
    public var register: RegisterEntry

    /// Creates a set of numbers.
    public init(day: CalendarDay, sequence: Int, register: RegisterEntry) {
        self.day = day
        self.sequence = sequence
        self.register = register
    }

    /// The numbers of the intake after this one (same day, same book).
    public var next: IntakeNumbers {
        IntakeNumbers(
            day: day, sequence: sequence + 1, register: RegisterEntry(book: register.book, number: register.number + 1))
    }
}
