import KioskDomain

/// A print job to be written: its kind (`intake-receipt`, `status-slip`, …) and ESC/POS bytes.
public struct PrintJobDraft: Sendable, Equatable {
    /// What the job prints, e.g. `intake-receipt`.
    public var kind: String
    /// The bytes to send to the printer.
    public var payload: [UInt8]
    /// Whether the job prints under the reprint banner from its first copy (a reprint asked
    /// for by a technician or a front end). The queue adds the banner; the payload never
    /// carries one, so a copy has exactly one banner.
    public var markedReprint: Bool

    /// Creates a draft.
    public init(kind: String, payload: [UInt8], markedReprint: Bool = false) {
        self.kind = kind
        self.payload = payload
        self.markedReprint = markedReprint
    }
}

/// How far a print job's current attempt got, as recorded in its row (docs/print-once.md).
public enum PrintJobStage: String, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    /// Waiting: no byte of the next copy has been sent.
    case queued
    /// A copy is being sent: some of its bytes may have reached the printer.
    case sending
    /// Every byte of the copy was written and drained; the printer has not yet confirmed it.
    case written
    /// Kept for a technician (it kept failing, or a crash interrupted its crash reprint);
    /// never printed again on its own.
    case held

    /// `queued`, `sending`, `written`, `held`.
    public var description: String { rawValue }
}

/// A print job waiting in the database until the printer confirmed it.
public struct PrintJob: Sendable, Equatable {
    /// Row id, ascending in creation order.
    public var id: Int64
    /// What the job prints.
    public var kind: String
    /// The bytes to send to the printer.
    public var payload: [UInt8]
    /// The dossier the job belongs to, if any.
    public var dossierCode: String?
    /// When the job was written.
    public var createdAt: Timestamp
    /// Copies started so far.
    public var attempts: Int
    /// How far the current copy got.
    public var stage: PrintJobStage
    /// The kioskd run (``KioskStore/printSession``) that sent or wrote the current copy; nil
    /// while queued. A `sending` or `written` job of another run was interrupted by a crash.
    public var session: String?
    /// Whether the next copy prints under the reprint banner.
    public var reprint: Bool
    /// Copies printed because a run died while sending one (at most one before the job is held).
    public var crashReprints: Int
    /// Why the job is held, for the technician.
    public var heldReason: String?

    /// Creates a job value.
    public init(
        id: Int64, kind: String, payload: [UInt8], dossierCode: String?, createdAt: Timestamp, attempts: Int,
        stage: PrintJobStage = .queued, session: String? = nil, reprint: Bool = false, crashReprints: Int = 0,
        heldReason: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.payload = payload
        self.dossierCode = dossierCode
        self.createdAt = createdAt
        self.attempts = attempts
        self.stage = stage
        self.session = session
        self.reprint = reprint
        self.crashReprints = crashReprints
        self.heldReason = heldReason
    }
}
