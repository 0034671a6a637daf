/// A citizen's dossier for an administrative procedure, as taken in at the kiosk.
///
/// Holds personal data (the applicant): never log it. Dates are kept as values the
/// receipt and the central protocol print as they are (`receivedAt` with its offset,
/// `dueDate` as a calendar day).
public struct Dossier: Sendable, Equatable {
    /// Tracking code printed on the receipt, e.g. `YBVY01-261121-0007-K`.
    public var code: String
    /// The procedure applied for.
    public var procedure: ProcedureRef
    /// The citizen who handed the dossier in.
    public var applicant: Applicant
    /// When the dossier was taken in (the intake transaction's time).
    public var receivedAt: Timestamp
    /// The appointment day for the result.
    public var dueDate: CalendarDay
    /// Fee in Vietnamese đồng.
    public var feeVND: Int
    /// How the result comes back.
    public var delivery: Delivery
    /// S10 id of the envelope, once a clerk attaches one.
    public var postalItem: String?
    /// Post office name printed on the receipt.
    public var office: String
    /// The dossier's line in the kiosk's register, once taken.
    public var register: RegisterEntry?
    /// The papers received ("Thành phần hồ sơ"), from the catalog.
    public var documents: [DossierDocument]
    /// Phone and e-mail, only when a front end gave them (not kept in the store).
    public var contact: IntakeContact = IntakeContact()

    /// Creates a dossier from all its parts.
    public init(
        code: String, procedure: ProcedureRef, applicant: Applicant, receivedAt: Timestamp,
        dueDate: CalendarDay, feeVND: Int, delivery: Delivery, postalItem: String? = nil, office: String,
        register: RegisterEntry? = nil, documents: [DossierDocument] = []
    ) {
        self.register = register
        self.documents = documents
        self.code = code
        self.procedure = procedure
        self.applicant = applicant
        self.receivedAt = receivedAt
        self.dueDate = dueDate
        self.feeVND = feeVND
        self.delivery = delivery
        self.postalItem = postalItem
        self.office = office
    }
}

/// A procedure as named on a dossier: its national code and name.
public struct ProcedureRef: Sendable, Equatable, Hashable {
    /// National procedure code, e.g. `1.001234`.
    public var code: String
    /// The procedure's name in Vietnamese.
    public var name: String
    /// Creates a reference.
    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

/// The citizen, as read from the chip ID card (CCCD). Personal data: never log it.
public struct Applicant: Sendable, Equatable {
    /// 12-digit ID number.
    public var idNumber: String
    /// Full name with every diacritic.
    public var name: String
    /// Date of birth; the day or month may be unknown (`BirthDate`).
    public var birthDate: BirthDate?
    /// Gender as printed on the card (`Nam`, `Nữ`).
    public var gender: String
    /// Permanent address.
    public var address: String
    /// Creates an applicant whose birth date may lack its day or month.
    public init(idNumber: String, name: String, birth: BirthDate?, gender: String, address: String) {
        self.idNumber = idNumber
        self.name = name
        self.birthDate = birth
        self.gender = gender
        self.address = address
    }

    /// Creates an applicant with a fully known (or no) birth date.
    public init(idNumber: String, name: String, birthDate: CalendarDay?, gender: String, address: String) {
        self.init(
            idNumber: idNumber, name: name, birth: birthDate.map(BirthDate.init), gender: gender, address: address)
    }

    /// The ID number masked to its last 4 digits, as receipts print it: `********2345`.
    public var maskedIdNumber: String {
        let tail = idNumber.suffix(4)
        return String(repeating: "*", count: max(0, idNumber.count - tail.count)) + tail
    }
}

/// How a dossier's result comes back to the citizen.
public enum Delivery: Sendable, Equatable {
    /// By post, to an address.
    case post(address: String)
    /// Collected at the counter.
    case counter

    /// The protocol's name for the method: `post` or `counter`.
    public var method: String {
        switch self {
        case .post: "post"
        case .counter: "counter"
        }
    }
}
