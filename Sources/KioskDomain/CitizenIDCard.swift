/// What the QR code of a Vietnamese chip ID card says:
/// `id|old id|full name|birth ddmmyyyy|gender|address|issue ddmmyyyy`, then on cards issued
/// from 1 July 2024 (Căn cước) four more fields, possibly empty. See docs/id-card.md.
///
/// Holds personal data: never log it. `description` shows only the masked ID number.
///
/// Checks: at least seven `|`-separated fields (a trailing `|` and fields after the seventh are
/// ignored; `ignoredFieldCount` says how many of those were not empty); the ID number is 12
/// ASCII digits whose province code, century-and-gender digit and birth-year digits agree with
/// the card; the old ID number is empty or 9 or 12 digits; the birth date is `ddmmyyyy` with
/// `00` for an unknown day or month, or a year alone; the issue date is a real calendar day
/// and not before the birth; gender is `Nam` or `Nữ` (any case, composed or not). Name and
/// address lose control and format characters, are composed to NFC and trimmed, and must be
/// non-empty and at most 100 and 300 characters.
///
/// A failure is either a misread (`Problem.isMisread`: scan again) or a card the kiosk cannot
/// use (the citizen goes to the counter).
public struct CitizenIDCard: Sendable, Equatable, CustomStringConvertible {
    /// The citizen: ID number, name, birth date, gender (`Nam`/`Nữ`), address.
    public var applicant: Applicant
    /// The number of the older card (9-digit CMND or 12-digit number), when the QR code
    /// carries one.
    public var oldIdNumber: String?
    /// The day the card was issued.
    public var issueDate: CalendarDay
    /// Which QR layout the card used.
    public var layout: Layout = .sevenFields
    /// Fields after the known layout's that held something; they were ignored. Information
    /// for a debug log line (the count only, never the content).
    public var ignoredFieldCount = 0

    /// The QR layouts the kiosk knows.
    public enum Layout: String, Sendable, Equatable {
        /// Chip cards (CCCD) issued 2016–June 2024: seven fields.
        case sevenFields = "7-field"
        /// Căn cước issued from 1 July 2024: the seven fields and four more.
        case elevenFields = "11-field"
        /// Any other count of seven or more fields: the first seven are read.
        case other = "other"
    }

    /// Longest accepted name, in Unicode code points (after NFC composition). Characters
    /// would let one "character" of 30,000 combining marks through.
    public static let maximumNameLength = 100
    /// Longest accepted name, in UTF-8 bytes (a composed Vietnamese letter takes at most 3).
    public static let maximumNameBytes = 300
    /// Longest accepted address, in Unicode code points (after NFC composition).
    public static let maximumAddressLength = 300
    /// Longest accepted address, in UTF-8 bytes.
    public static let maximumAddressBytes = 900

    /// Creates a card from its parts.
    public init(
        applicant: Applicant, oldIdNumber: String?, issueDate: CalendarDay, layout: Layout = .sevenFields,
        ignoredFieldCount: Int = 0
    ) {
        self.applicant = applicant
        self.oldIdNumber = oldIdNumber
        self.issueDate = issueDate
        self.layout = layout
        self.ignoredFieldCount = ignoredFieldCount
    }

    /// Only the masked ID number: safe for a log line.
    public var description: String { "CitizenIDCard(\(applicant.maskedIdNumber))" }

    /// Why a QR text is not an ID card. Reasons never include the card's data.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Fewer than seven `|`-separated fields; carries the count found.
        case fieldCount(Int)
        /// The ID number is not 12 digits.
        case idNumber
        /// The ID number is 9 digits: an old identity card (CMND) the kiosk does not take.
        case oldCardNumber
        /// The 12-digit number disagrees with itself or with the card (a scanner typing error).
        case idNumberMismatch(PersonalIdentificationNumber.Mismatch)
        /// The old ID number is neither empty nor 9 or 12 digits.
        case oldIdNumber
        /// The name is empty once control characters and spaces are removed.
        case emptyName
        /// The name is longer than `maximumNameLength`.
        case nameTooLong
        /// The birth date is neither `ddmmyyyy` (with `00` for unknown parts) nor a year.
        case birthDate
        /// The gender is neither `Nam` nor `Nữ`.
        case gender
        /// The address is empty once control characters and spaces are removed.
        case emptyAddress
        /// The address is longer than `maximumAddressLength`.
        case addressTooLong
        /// The issue date is not a valid `ddmmyyyy` day.
        case issueDate
        /// The birth date is after the issue date.
        case birthAfterIssue

        /// A reason a person can read, in English, with none of the card's data.
        public var description: String {
            switch self {
            case .fieldCount(let n): "ID card QR: expected 7 or 11 fields separated by |, found \(n)"
            case .idNumber: "ID card QR: ID number is not 12 digits"
            case .oldCardNumber: "ID card QR: a 9-digit number of an old identity card (CMND); take it at the counter"
            case .idNumberMismatch(let mismatch): "ID card QR: ID number misread, \(mismatch)"
            case .oldIdNumber: "ID card QR: old ID number is neither empty nor 9 or 12 digits"
            case .emptyName: "ID card QR: name is empty"
            case .nameTooLong:
                "ID card QR: name is longer than \(CitizenIDCard.maximumNameLength) code points or \(CitizenIDCard.maximumNameBytes) bytes"
            case .birthDate: "ID card QR: birth date is not a valid ddmmyyyy date or year"
            case .gender: "ID card QR: gender is neither Nam nor Nữ"
            case .emptyAddress: "ID card QR: address is empty"
            case .addressTooLong:
                "ID card QR: address is longer than \(CitizenIDCard.maximumAddressLength) code points or \(CitizenIDCard.maximumAddressBytes) bytes"
            case .issueDate: "ID card QR: issue date is not a valid ddmmyyyy date"
            case .birthAfterIssue: "ID card QR: birth date is after the issue date"
            }
        }

        /// Whether the scan was probably typed wrongly (scan again) rather than a card the kiosk
        /// cannot use (go to the counter). Field counts, numbers and dates are what a scanner
        /// mangles; an empty or overlong name or address, an old CMND number or a birth after
        /// the issue date come from the card itself, and scanning again would loop forever.
        public var isMisread: Bool {
            switch self {
            case .fieldCount, .idNumber, .idNumberMismatch, .oldIdNumber, .birthDate, .gender, .issueDate: true
            case .oldCardNumber, .emptyName, .nameTooLong, .emptyAddress, .addressTooLong, .birthAfterIssue: false
            }
        }
    }

    /// Parses the QR text of a card and says why when it is not one.
    public static func parse(_ text: String) -> Result<CitizenIDCard, Problem> {
        var fields = text.split(separator: "|", omittingEmptySubsequences: false)
        // A trailing `|` ends the last field; it does not start another. (Eleven fields whose
        // last is empty are the Căn cước layout as it is.)
        if fields.count > 7, fields.count != 11, fields.last.map({ ASCIIText.trimmed(String($0)).isEmpty }) == true {
            fields.removeLast()
        }
        guard fields.count >= 7 else { return .failure(.fieldCount(fields.count)) }
        let layout: Layout = fields.count == 7 ? .sevenFields : fields.count == 11 ? .elevenFields : .other
        let known = layout == .elevenFields ? 11 : 7
        let ignored = fields.dropFirst(known).filter { !ASCIIText.trimmed(String($0)).isEmpty }.count
        let id = ASCIIText.trimmed(String(fields[0]))
        let idIsDigits = id.utf8.allSatisfy(ASCIIText.isDigit)
        if id.utf8.count == 9 && idIsDigits { return .failure(.oldCardNumber) }
        guard id.utf8.count == 12, idIsDigits else { return .failure(.idNumber) }
        let oldId = ASCIIText.trimmed(String(fields[1]))
        guard oldId.isEmpty || ([9, 12].contains(oldId.utf8.count) && oldId.utf8.allSatisfy(ASCIIText.isDigit))
        else {
            return .failure(.oldIdNumber)
        }
        let name = cleaned(fields[2])
        guard !name.isEmpty else { return .failure(.emptyName) }
        guard Self.fits(name, codePoints: maximumNameLength, bytes: maximumNameBytes) else {
            return .failure(.nameTooLong)
        }
        guard let birth = birthDate(fields[3]) else { return .failure(.birthDate) }
        guard let gender = gender(fields[4]) else { return .failure(.gender) }
        if let mismatch = PersonalIdentificationNumber.mismatch(String(id), gender: gender, birthYear: birth.year) {
            return .failure(.idNumberMismatch(mismatch))
        }
        let address = cleaned(fields[5])
        guard !address.isEmpty else { return .failure(.emptyAddress) }
        guard Self.fits(address, codePoints: maximumAddressLength, bytes: maximumAddressBytes) else {
            return .failure(.addressTooLong)
        }
        guard let issue = day(ddmmyyyy: fields[6]) else { return .failure(.issueDate) }
        guard birth.earliestDay <= issue else { return .failure(.birthAfterIssue) }
        let applicant = Applicant(
            idNumber: String(id), name: name, birth: birth, gender: gender, address: address)
        return .success(
            CitizenIDCard(
                applicant: applicant, oldIdNumber: oldId.isEmpty ? nil : String(oldId), issueDate: issue,
                layout: layout, ignoredFieldCount: ignored))
    }

    /// A birth date field: `ddmmyyyy` with `00` for an unknown day or month (`00031995`,
    /// `00001995`), or `yyyy` alone; nil otherwise (a day without a month is refused).
    static func birthDate(_ field: Substring) -> BirthDate? {
        let bytes = Array(ASCIIText.trimmed(String(field)).utf8)
        if bytes.count == 4, let year = ASCIIText.number(bytes[0..<4]) { return BirthDate(year: year) }
        guard bytes.count == 8, let dd = ASCIIText.number(bytes[0..<2]), let mm = ASCIIText.number(bytes[2..<4]),
            let yyyy = ASCIIText.number(bytes[4..<8])
        else { return nil }
        return BirthDate(year: yyyy, month: mm == 0 ? nil : mm, day: dd == 0 ? nil : dd)
    }

    /// Stripped of control and format characters, composed to NFC, trimmed of spaces.
    /// Whether `text` is within both limits (bytes first: O(1)).
    static func fits(_ text: String, codePoints: Int, bytes: Int) -> Bool {
        text.utf8.count <= bytes && text.unicodeScalars.count <= codePoints
    }

    static func cleaned(_ field: Substring) -> String {
        let text = VietnameseText.composed(VietnameseText.stripControlCharacters(String(field)))
        return String(ASCIIText.trimmed(text))
    }

    /// A `ddmmyyyy` field as a day, or nil.
    static func day(ddmmyyyy field: Substring) -> CalendarDay? {
        let bytes = Array(ASCIIText.trimmed(String(field)).utf8)
        guard bytes.count == 8, let dd = ASCIIText.number(bytes[0..<2]), let mm = ASCIIText.number(bytes[2..<4]),
            let yyyy = ASCIIText.number(bytes[4..<8])
        else { return nil }
        return CalendarDay(year: yyyy, month: mm, day: dd)
    }

    /// `Nam` or `Nữ` in any case and composition, as printed on the card; nil otherwise.
    static func gender(_ field: Substring) -> String? {
        switch cleaned(field).lowercased() {
        case "nam": "Nam"
        case "n\u{1EEF}": "N\u{1EEF}"  // nữ
        default: nil
        }
    }
}
