/// The `200` answer to `POST /v1/events`.
public struct BatchResults: Codable, Sendable, Equatable {
    /// One result per delivered-or-rejected event; an event missing here was not delivered.
    public var results: [EventResult]

    /// Creates an answer.
    public init(results: [EventResult]) { self.results = results }
}

/// What the server did with one event.
public struct EventResult: Codable, Sendable, Equatable {
    /// `accepted`: stored now.
    public static let accepted = "accepted"
    /// `duplicate`: stored earlier; nothing changed.
    public static let duplicate = "duplicate"
    /// `rejected`: never acceptable as it stands; `reason` says why.
    public static let rejected = "rejected"

    /// The event id.
    public var id: String
    /// accepted|duplicate|rejected (unknown → not delivered).
    public var status: String
    /// Why, for `rejected`.
    public var reason: String?

    /// Creates a result.
    public init(id: String, status: String, reason: String? = nil) {
        self.id = id
        self.status = status
        self.reason = reason
    }
}

/// The answer to `GET /v1/kiosks/{kioskId}/updates`.
public struct UpdatesPage: Codable, Sendable, Equatable {
    /// Status changes after the cursor, oldest first.
    public var updates: [WireStatusUpdate]
    /// The cursor to send as `after` next time (opaque).
    public var next: String?

    /// Creates a page.
    public init(updates: [WireStatusUpdate], next: String?) {
        self.updates = updates
        self.next = next
    }
}

/// One dossier status change set by the central server.
public struct WireStatusUpdate: Codable, Sendable, Equatable {
    /// The statuses the protocol allows.
    public static let knownStatuses: Set<String> = [
        "received", "processing", "needs-more", "result-ready", "returned", "rejected",
    ]

    /// Tracking code.
    public var code: String
    /// One of ``knownStatuses``.
    public var status: String
    /// Free text for the citizen, e.g. "Sở Tư pháp đang xử lý".
    public var note: String?
    /// When it was set, RFC 3339 with offset.
    public var at: String
    /// A new appointment set by the agency, `YYYY-MM-DD` (optional).
    public var dueDate: String?
    /// Its time of day, `HH:MM` (optional, with `dueDate`).
    public var dueTime: String?
    /// With `needs-more`: what the citizen must still bring (optional).
    public var documents: [WireDocument]?

    /// Creates an update.
    public init(
        code: String, status: String, note: String?, at: String, dueDate: String? = nil, dueTime: String? = nil,
        documents: [WireDocument]? = nil
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

/// `{"error":"…"}`, the body of 401 and other error answers.
public struct ErrorBody: Codable, Sendable, Equatable {
    /// `bad-signature`, `unknown-kiosk`, `clock-skew`, `replay`, or a description.
    public var error: String

    /// Creates an error body.
    public init(error: String) { self.error = error }
}
