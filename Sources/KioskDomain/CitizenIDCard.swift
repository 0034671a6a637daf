/// What the QR code of a Vietnamese chip ID card (CCCD) says:
/// `id|old id|full name|birth ddmmyyyy|gender|address|issue ddmmyyyy`.
///
/// Holds personal data: never log it. `description` shows only the masked ID number.
///
/// Checks: exactly seven `|`-separated fields; the ID number is 12 ASCII digits (only digits and
/// length: the province prefix is not checked, since codes get added and a wrong check would
/// turn citizens away); the old ID number (CMND) is empty or 9 digits; both dates are real
/// calendar days, birth not after issue; gender is `Nam` or `Nữ` (any case, composed or not).
/// Name and address lose control and format characters, are composed to NFC and trimmed, and
/// must be non-empty and at most 100 and 300 characters.
public struct CitizenIDCard: Sendable, Equatable, CustomStringConvertible {
    /// The citizen: ID number, name, birth date, gender (`Nam`/`Nữ`), address.
    public var applicant: Applicant
    /// The 9-digit ID number of the older card (CMND), when the QR code carries one.
    public var oldIdNumber: String?
    /// The day the card was issued.
    public var issueDate: CalendarDay

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
    public init(applicant: Applicant, oldIdNumber: String?, issueDate: CalendarDay) {
        self.applicant = applicant
        self.oldIdNumber = oldIdNumber
        self.issueDate = issueDate
    }

    /// Only the masked ID number: safe for a log line.
    public var description: String { "CitizenIDCard(\(applicant.maskedIdNumber))" }

    /// Why a QR text is not an ID card. Reasons never include the card's data.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not seven `|`-separated fields; carries the count found.
        case fieldCount(Int)
        /// The ID number is not 12 digits.
        case idNumber
        /// The old ID number is neither empty nor 9 digits.
        case oldIdNumber
        /// The name is empty once control characters and spaces are removed.
        case emptyName
        /// The name is longer than `maximumNameLength`.
        case nameTooLong
        /// The birth date is not a valid `ddmmyyyy` day.
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
            case .fieldCount(let n): "ID card QR: expected 7 fields separated by |, found \(n)"
            case .idNumber: "ID card QR: ID number is not 12 digits"
            case .oldIdNumber: "ID card QR: old ID number is neither empty nor 9 digits"
            case .emptyName: "ID card QR: name is empty"
            case .nameTooLong:
                "ID card QR: name is longer than \(CitizenIDCard.maximumNameLength) code points or \(CitizenIDCard.maximumNameBytes) bytes"
            case .birthDate: "ID card QR: birth date is not a valid ddmmyyyy date"
            case .gender: "ID card QR: gender is neither Nam nor Nữ"
            case .emptyAddress: "ID card QR: address is empty"
            case .addressTooLong:
                "ID card QR: address is longer than \(CitizenIDCard.maximumAddressLength) code points or \(CitizenIDCard.maximumAddressBytes) bytes"
            case .issueDate: "ID card QR: issue date is not a valid ddmmyyyy date"
            case .birthAfterIssue: "ID card QR: birth date is after the issue date"
            }
        }
    }

    /// Parses the QR text of a card and says why when it is not one.
    public static func parse(_ text: String) -> Result<CitizenIDCard, Problem> {
        let fields = text.split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count == 7 else { return .failure(.fieldCount(fields.count)) }
        let id = ASCIIText.trimmed(String(fields[0]))
        guard id.utf8.count == 12, id.utf8.allSatisfy(ASCIIText.isDigit) else { return .failure(.idNumber) }
        let oldId = ASCIIText.trimmed(String(fields[1]))
        guard oldId.isEmpty || (oldId.utf8.count == 9 && oldId.utf8.allSatisfy(ASCIIText.isDigit)) else {
            return .failure(.oldIdNumber)
        }
        let name = cleaned(fields[2])
        guard !name.isEmpty else { return .failure(.emptyName) }
        guard Self.fits(name, codePoints: maximumNameLength, bytes: maximumNameBytes) else {
            return .failure(.nameTooLong)
        }
        guard let birth = day(ddmmyyyy: fields[3]) else { return .failure(.birthDate) }
        guard let gender = gender(fields[4]) else { return .failure(.gender) }
        let address = cleaned(fields[5])
        guard !address.isEmpty else { return .failure(.emptyAddress) }
        guard Self.fits(address, codePoints: maximumAddressLength, bytes: maximumAddressBytes) else {
            return .failure(.addressTooLong)
        }
        guard let issue = day(ddmmyyyy: fields[6]) else { return .failure(.issueDate) }
        guard birth <= issue else { return .failure(.birthAfterIssue) }
        let applicant = Applicant(
            idNumber: String(id), name: name, birthDate: birth, gender: gender, address: address)
        return .success(
            CitizenIDCard(applicant: applicant, oldIdNumber: oldId.isEmpty ? nil : String(oldId), issueDate: issue))
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
