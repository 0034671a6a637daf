import KioskDomain

/// A print job to be written: its kind (`intake-receipt`, `status-slip`, …) and ESC/POS bytes.
public struct PrintJobDraft: Sendable, Equatable {
    /// What the job prints, e.g. `intake-receipt`.
    public var kind: String
    /// The bytes to send to the printer.
    public var payload: [UInt8]

    /// Creates a draft.
    public init(kind: String, payload: [UInt8]) {
        self.kind = kind
        self.payload = payload
    }
}

/// A print job waiting in the database until the printer took all its bytes with no fault.
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
    /// Attempts to print it so far.
    public var attempts: Int

    /// Creates a job value.
    public init(id: Int64, kind: String, payload: [UInt8], dossierCode: String?, createdAt: Timestamp, attempts: Int) {
        self.id = id
        self.kind = kind
        self.payload = payload
        self.dossierCode = dossierCode
        self.createdAt = createdAt
        self.attempts = attempts
    }
}
