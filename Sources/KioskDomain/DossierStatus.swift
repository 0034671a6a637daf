/// Where a dossier stands, as the central server reports it.
public enum DossierStatus: String, Sendable, CaseIterable, Codable {
    /// Taken in; not yet with the agency.
    case received
    /// The agency is working on it.
    case processing
    /// The agency needs more documents from the citizen.
    case needsMore = "needs-more"
    /// The result is ready to be handed back.
    case resultReady = "result-ready"
    /// The result was handed back.
    case returned
    /// The agency refused the dossier.
    case rejected
}

/// One status change for a dossier, from the central server's updates feed.
public struct DossierStatusUpdate: Sendable, Equatable {
    /// Tracking code of the dossier.
    public var code: String
    /// New status.
    public var status: DossierStatus
    /// Free text from the agency, e.g. "Sở Tư pháp đang xử lý".
    public var note: String?
    /// When the status changed.
    public var at: Timestamp
    /// A new appointment the agency set (the dossier is late): the kiosk's slip is then the
    /// apology and new-appointment slip.
    public var dueDate: CalendarDay?
    /// The new appointment's time of day, when given.
    public var dueTime: TimeOfDay?
    /// With `needs-more`: what the citizen must still bring.
    public var documents: [DossierDocument]
    /// Creates an update.
    public init(
        code: String, status: DossierStatus, note: String?, at: Timestamp, dueDate: CalendarDay? = nil,
        dueTime: TimeOfDay? = nil, documents: [DossierDocument] = []
    ) {
        self.code = code
        self.status = status
        self.note = note
        self.at = at
        self.dueDate = dueDate
        self.dueTime = dueTime
        self.documents = documents
    }
}
