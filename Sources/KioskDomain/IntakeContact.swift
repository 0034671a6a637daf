/// What a front end (the control socket's `intake`) may add to an ID card: an address for the
/// result other than the card's, a phone number and an e-mail address. Personal data: never
/// log it. A scanned intake has none of these.
public struct IntakeContact: Sendable, Equatable {
    /// Where the result goes by post, in place of the card's address.
    public var address: String?
    /// The citizen's phone number, as given (digits, spaces, `+`, `.`, `-`).
    public var phone: String?
    /// The citizen's e-mail address.
    public var email: String?

    /// Longest accepted address, in characters (as on the card).
    public static let maximumAddressLength = CitizenIDCard.maximumAddressLength

    /// No contact details.
    public init() {}

    /// Why a front end's contact details were refused; never carries the data.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The address is empty after cleaning or longer than the maximum.
        case address
        /// The phone number does not have 8 to 15 digits, or has other characters.
        case phone
        /// The e-mail address is not one `local@domain` of at most 254 characters.
        case email

        /// English, for the control socket.
        public var description: String {
            switch self {
            case .address:
                "address must be 1 to \(IntakeContact.maximumAddressLength) characters once control characters are removed"
            case .phone: "phone must have 8 to 15 digits (spaces, +, ., - allowed)"
            case .email: "email must be one address like name@example.vn, at most 254 characters"
            }
        }
    }

    /// Checks and cleans what a front end sent (nil: not given).
    public static func parse(address: String?, phone: String?, email: String?) -> Result<IntakeContact, Problem> {
        var contact = IntakeContact()
        if let address {
            let cleaned = CitizenIDCard.cleaned(Substring(address))
            guard !cleaned.isEmpty, cleaned.count <= maximumAddressLength else { return .failure(.address) }
            contact.address = cleaned
        }
        if let phone {
            let trimmed = String(ASCIIText.trimmed(phone))
            let digits = trimmed.utf8.filter(ASCIIText.isDigit).count
            let allowed = trimmed.utf8.allSatisfy { ASCIIText.isDigit($0) || " +.-".utf8.contains($0) }
            guard allowed, (8...15).contains(digits) else { return .failure(.phone) }
            contact.phone = trimmed
        }
        if let email {
            let trimmed = String(ASCIIText.trimmed(email))
            let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
            guard trimmed.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
                trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
            else { return .failure(.email) }
            contact.email = trimmed
        }
        return .success(contact)
    }
}
