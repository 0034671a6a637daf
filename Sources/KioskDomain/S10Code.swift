/// A UPU S10 postal item identifier, e.g. `EA123456785VN`: two letters (service indicator),
/// an 8-digit serial number, a check digit, and the ISO 3166 country code of the issuing post.
///
/// The check digit uses weights 8 6 4 2 3 5 9 7 over the serial: `11 - (sum mod 11)`, with 10
/// written as 0 and 11 as 5 (UPU standard S10). Only the shape and the check digit are checked;
/// whether the service indicator or the country code are assigned is not.
public struct S10Code: Sendable, Hashable, CustomStringConvertible {
    /// Two-letter service indicator, e.g. `EA` (EMS), `RR` (registered).
    public let serviceIndicator: String
    /// The 8-digit serial number.
    public let serialNumber: String
    /// The check digit, 0...9.
    public let checkDigit: Int
    /// Two-letter country code of the post that issued the item, e.g. `VN`.
    public let countryCode: String

    /// Parses an identifier, ignoring case and surrounding spaces; nil when it is not valid.
    public init?(parsing text: String) {
        guard case .success(let code) = S10Code.parse(text) else { return nil }
        self = code
    }

    private init(serviceIndicator: String, serialNumber: String, checkDigit: Int, countryCode: String) {
        self.serviceIndicator = serviceIndicator
        self.serialNumber = serialNumber
        self.checkDigit = checkDigit
        self.countryCode = countryCode
    }

    /// The 13 characters, e.g. `EA123456785VN`.
    public var description: String { "\(serviceIndicator)\(serialNumber)\(checkDigit)\(countryCode)" }

    /// Why a text is not an S10 identifier.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not 2 letters, 9 digits, 2 letters.
        case shape
        /// The check digit does not match the serial number.
        case checkDigitMismatch

        /// A reason a person can read.
        public var description: String {
            switch self {
            case .shape: "postal item id is not 2 letters, 9 digits, 2 letters"
            case .checkDigitMismatch: "postal item id check digit does not match: mistyped or misread label?"
            }
        }
    }

    /// Parses an identifier, ignoring case and surrounding spaces, and says why when it fails.
    public static func parse(_ text: String) -> Result<S10Code, Problem> {
        guard looksLikeS10(text) else { return .failure(.shape) }
        let bytes = Array(ASCIIText.trimmed(text).utf8).map(ASCIIText.uppercased)
        let serial = bytes[2..<10]
        let given = Int(bytes[10] - UInt8(ascii: "0"))
        guard let expected = checkDigit(forSerial: serial), expected == given else {
            return .failure(.checkDigitMismatch)
        }
        return .success(
            S10Code(
                serviceIndicator: String(decoding: bytes[0..<2], as: UTF8.self),
                serialNumber: String(decoding: serial, as: UTF8.self), checkDigit: given,
                countryCode: String(decoding: bytes[11..<13], as: UTF8.self)))
    }

    /// Whether a text has the S10 shape (2 letters, 9 digits, 2 letters, any case, surrounding
    /// spaces ignored), whatever its check digit.
    public static func looksLikeS10(_ text: String) -> Bool {
        let bytes = Array(ASCIIText.trimmed(text).utf8).map(ASCIIText.uppercased)
        guard bytes.count == 13 else { return false }
        return bytes[0..<2].allSatisfy(ASCIIText.isUpperLetter) && bytes[2..<11].allSatisfy(ASCIIText.isDigit)
            && bytes[11..<13].allSatisfy(ASCIIText.isUpperLetter)
    }

    /// The check digit of an 8-digit serial number (ASCII digits), or nil when it is not one.
    public static func checkDigit<C: Collection>(forSerial serial: C) -> Int? where C.Element == UInt8 {
        guard serial.count == 8 else { return nil }
        let weights = [8, 6, 4, 2, 3, 5, 9, 7]
        var sum = 0
        for (byte, weight) in zip(serial, weights) {
            guard ASCIIText.isDigit(byte) else { return nil }
            sum += Int(byte - UInt8(ascii: "0")) * weight
        }
        switch 11 - sum % 11 {
        case 10: return 0
        case 11: return 5
        case let digit: return digit
        }
    }
}
