import KioskDomain

/// `data` of `dossier.received`; field names exactly as central-protocol.md.
public struct DossierReceivedData: Codable, Sendable, Equatable {
    /// `{"code": "1.001234", "name": "…"}`.
    public struct Procedure: Codable, Sendable, Equatable {
        /// National procedure code, `N.NNNNNN`.
        public var code: String
        /// Procedure name.
        public var name: String
        /// Creates a procedure reference.
        public init(code: String, name: String) {
            self.code = code
            self.name = name
        }
    }

    /// The citizen; personal data, never logged.
    public struct Applicant: Codable, Sendable, Equatable {
        /// Citizen ID number (12 digits).
        public var idNumber: String
        /// Full name.
        public var name: String
        /// `YYYY-MM-DD`.
        public var birthDate: String
        /// As printed on the ID card, e.g. "Nam", "Nữ".
        public var gender: String
        /// Permanent address.
        public var address: String
        /// Creates an applicant.
        public init(idNumber: String, name: String, birthDate: String, gender: String, address: String) {
            self.idNumber = idNumber
            self.name = name
            self.birthDate = birthDate
            self.gender = gender
            self.address = address
        }
    }

    /// `{"amount": 200000, "currency": "VND"}`.
    public struct Fee: Codable, Sendable, Equatable {
        /// Amount in the currency's smallest unit (VND has no subunit).
        public var amount: Int64
        /// ISO 4217, "VND".
        public var currency: String
        /// Creates a fee.
        public init(amount: Int64, currency: String) {
            self.amount = amount
            self.currency = currency
        }
    }

    /// `{"method": "post", "address": "…"}` or `{"method": "counter"}`.
    public struct Delivery: Codable, Sendable, Equatable {
        /// `post` or `counter`.
        public var method: String
        /// Postal address, for `post`.
        public var address: String?
        /// Creates a delivery choice.
        public init(method: String, address: String?) {
            self.method = method
            self.address = address
        }
    }

    /// `{"book": "2026", "number": 137}`: the kiosk's register line printed on the receipt.
    public struct Register: Codable, Sendable, Equatable {
        /// The book (the year).
        public var book: String
        /// The dossier's number in the book.
        public var number: Int
        /// Creates a register line.
        public init(book: String, number: Int) {
            self.book = book
            self.number = number
        }
    }

    /// Tracking code printed on the receipt.
    public var code: String
    /// The procedure applied for.
    public var procedure: Procedure
    /// The citizen.
    public var applicant: Applicant
    /// RFC 3339 with offset.
    public var receivedAt: String
    /// `YYYY-MM-DD`.
    public var dueDate: String
    /// The fee paid.
    public var fee: Fee
    /// How the result goes back.
    public var delivery: Delivery
    /// S10 id of the envelope, when one is attached at intake.
    public var postalItem: String?
    /// Post office name.
    public var office: String
    /// The kiosk's register line, when it keeps one (optional).
    public var register: Register?
    /// The papers received, as printed on the receipt (optional).
    public var documents: [WireDocument]?
    /// The citizen's phone number, only from a front end (optional; personal data).
    public var phone: String?
    /// The citizen's e-mail address, only from a front end (optional; personal data).
    public var email: String?

    /// Creates the payload.
    public init(
        code: String, procedure: Procedure, applicant: Applicant, receivedAt: String, dueDate: String, fee: Fee,
        delivery: Delivery, postalItem: String?, office: String, register: Register? = nil,
        documents: [WireDocument]? = nil, phone: String? = nil, email: String? = nil
    ) {
        self.register = register
        self.documents = documents
        self.phone = phone
        self.email = email
        self.code = code
        self.procedure = procedure
        self.applicant = applicant
        self.receivedAt = receivedAt
        self.dueDate = dueDate
        self.fee = fee
        self.delivery = delivery
        self.postalItem = postalItem
        self.office = office
    }
}

/// `data` of `dossier.postal-item-attached`.
public struct PostalItemAttachedData: Codable, Sendable, Equatable {
    /// Tracking code.
    public var code: String
    /// S10 id, e.g. "EA123456785VN".
    public var postalItem: String
    /// Creates the payload.
    public init(code: String, postalItem: String) {
        self.code = code
        self.postalItem = postalItem
    }
}

/// `data` of `dossier.returned`.
public struct DossierReturnedData: Codable, Sendable, Equatable {
    /// Tracking code.
    public var code: String
    /// RFC 3339 with offset.
    public var returnedAt: String
    /// ID number of the person who collected the result; personal data, never logged.
    public var idNumber: String
    /// Creates the payload.
    public init(code: String, returnedAt: String, idNumber: String) {
        self.code = code
        self.returnedAt = returnedAt
        self.idNumber = idNumber
    }
}

/// `data` of `kiosk.health`: the kiosk's condition, as the service measures it and as the
/// event carries it (the one health type; the forwarding's reporter writes it as is).
public struct KioskHealthData: Codable, Sendable, Equatable {
    /// `ok|paper-near-end|paper-out|cover-open|offline|missing`.
    public var printer: String
    /// `ok|missing`.
    public var scanner: String
    /// Events not yet delivered.
    public var backlog: Int
    /// When the oldest undelivered event happened (RFC 3339 on the wire), when there is one.
    public var oldestPendingAt: Timestamp?
    /// Events in the dead-letter list.
    public var deadLetters: Int
    /// kioskd version, e.g. "1.2.0".
    public var version: String
    /// Creates the payload.
    public init(
        printer: String, scanner: String, backlog: Int, oldestPendingAt: Timestamp?, deadLetters: Int,
        version: String
    ) {
        self.printer = printer
        self.scanner = scanner
        self.backlog = backlog
        self.oldestPendingAt = oldestPendingAt
        self.deadLetters = deadLetters
        self.version = version
    }

    private enum CodingKeys: String, CodingKey {
        case printer, scanner, backlog, oldestPendingAt, deadLetters, version
    }

    /// Reads the payload; `oldestPendingAt` must be RFC 3339 when present.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        printer = try container.decode(String.self, forKey: .printer)
        scanner = try container.decode(String.self, forKey: .scanner)
        backlog = try container.decode(Int.self, forKey: .backlog)
        deadLetters = try container.decode(Int.self, forKey: .deadLetters)
        version = try container.decode(String.self, forKey: .version)
        if let text = try container.decodeIfPresent(String.self, forKey: .oldestPendingAt) {
            guard let time = Timestamp(rfc3339: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .oldestPendingAt, in: container, debugDescription: "not an RFC 3339 time")
            }
            oldestPendingAt = time
        } else {
            oldestPendingAt = nil
        }
    }

    /// Writes the payload, `oldestPendingAt` as RFC 3339 with its offset (left out when nil).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(printer, forKey: .printer)
        try container.encode(scanner, forKey: .scanner)
        try container.encode(backlog, forKey: .backlog)
        try container.encodeIfPresent(oldestPendingAt?.description, forKey: .oldestPendingAt)
        try container.encode(deadLetters, forKey: .deadLetters)
        try container.encode(version, forKey: .version)
    }
}

/// A paper of a dossier: `{"name": "Bản sao Giấy khai sinh", "kind": "copy", "count": 1}`, in
/// `dossier.received`'s `documents` and in an update's `documents` (what to bring).
public struct WireDocument: Codable, Sendable, Equatable {
    /// The paper's name.
    public var name: String
    /// `original` or `copy`.
    public var kind: String
    /// How many.
    public var count: Int
    /// Creates a document line.
    public init(name: String, kind: String, count: Int) {
        self.name = name
        self.kind = kind
        self.count = count
    }
}
