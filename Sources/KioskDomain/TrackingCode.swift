/// The code printed on this kiosk's receipts, e.g. `YBVY01-261121-0007-B`:
/// prefix, local day `YYMMDD`, daily sequence, and an ISO/IEC 7064 MOD 37-2 check character.
///
/// The format is described in `docs/tracking-code.md`. The sequence has four digits up to 9999;
/// from 10000 it widens to five digits (up to 99999), so codes stay unique on a busy day and
/// older codes keep their shape.
public struct TrackingCode: Sendable, Hashable, CustomStringConvertible {
    /// Kiosk prefix from the configuration: 2 to 8 of `A-Z 0-9`.
    public let prefix: String
    /// The kiosk's local day the code was issued on (2000...2099).
    public let day: CalendarDay
    /// Sequence within the day, 1...99999 (four digits up to 9999, five beyond).
    public let sequence: Int
    /// The check character, one of `0-9 A-Z *`.
    public let checkCharacter: Character

    /// Allowed prefix lengths.
    public static let prefixLengths = 2...8
    /// Allowed sequence numbers.
    public static let sequences = 1...99_999

    /// Creates the code for a prefix, day and sequence; nil when the prefix is not 2 to 8 of
    /// `A-Z 0-9`, the day is outside 2000...2099, or the sequence is outside 1...99999.
    public init?(prefix: String, day: CalendarDay, sequence: Int) {
        guard TrackingCode.isValidPrefix(prefix), (2000...2099).contains(day.year),
            TrackingCode.sequences.contains(sequence)
        else { return nil }
        self.prefix = prefix
        self.day = day
        self.sequence = sequence
        let value = TrackingCode.checkValue(of: TrackingCode.payload(prefix: prefix, day: day, sequence: sequence))
        self.checkCharacter = Character(Unicode.Scalar(TrackingCode.alphabet[value]))
    }

    /// Parses a printed code, ignoring case and surrounding spaces; nil when it is not a valid
    /// code (see `parse(_:)` for the reason).
    public init?(parsing text: String) {
        guard case .success(let code) = TrackingCode.parse(text) else { return nil }
        self = code
    }

    /// `PREFIX-YYMMDD-NNNN-C` (five sequence digits from 10000 on).
    public var description: String {
        "\(prefix)-\(TrackingCode.dateField(day))-\(TrackingCode.sequenceField(sequence))-\(checkCharacter)"
    }

    /// Whether a text is a valid prefix: 2 to 8 of `A-Z 0-9` (upper case).
    public static func isValidPrefix(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return prefixLengths.contains(bytes.count) && bytes.allSatisfy { alphabetValue($0) != nil }
    }

    /// Why a text is not a tracking code.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Not four `-`-separated fields.
        case shape
        /// The prefix is not 2 to 8 of `A-Z 0-9`.
        case prefix
        /// The date field is not a valid `YYMMDD` day.
        case date
        /// The sequence is not 0001...9999 or 10000...99999.
        case sequence
        /// The check character does not match the rest: most likely a typing or reading error.
        case checkCharacterMismatch

        /// A reason a person can read.
        public var description: String {
            switch self {
            case .shape: "tracking code is not PREFIX-YYMMDD-NNNN-C"
            case .prefix: "tracking code prefix is not 2 to 8 letters or digits"
            case .date: "tracking code date is not a valid YYMMDD day"
            case .sequence: "tracking code sequence is not 0001-9999 or 10000-99999"
            case .checkCharacterMismatch: "tracking code check character does not match: mistyped?"
            }
        }
    }

    /// Parses a printed code, ignoring case and surrounding spaces, and says why when it fails.
    public static func parse(_ text: String) -> Result<TrackingCode, Problem> {
        let bytes = Array(ASCIIText.trimmed(text).utf8).map(ASCIIText.uppercased)
        let fields = bytes.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard fields.count == 4, fields[3].count == 1 else { return .failure(.shape) }
        let prefix = String(decoding: fields[0], as: UTF8.self)
        guard isValidPrefix(prefix) else { return .failure(.prefix) }
        guard fields[1].count == 6, let yymmdd = ASCIIText.number(fields[1]),
            let day = CalendarDay(year: 2000 + yymmdd / 10000, month: yymmdd / 100 % 100, day: yymmdd % 100)
        else { return .failure(.date) }
        guard let sequence = ASCIIText.number(fields[2]),
            (fields[2].count == 4 && sequence >= 1) || (fields[2].count == 5 && sequence >= 10_000)
        else { return .failure(.sequence) }
        guard let given = checkCharacterValue(fields[3][fields[3].startIndex]) else { return .failure(.shape) }
        guard let code = TrackingCode(prefix: prefix, day: day, sequence: sequence) else { return .failure(.prefix) }
        guard checkValue(of: payload(prefix: prefix, day: day, sequence: sequence)) == given else {
            return .failure(.checkCharacterMismatch)
        }
        return .success(code)
    }

    /// The ISO/IEC 7064 MOD 37-2 check character value (0...36) for a payload of `0-9 A-Z`
    /// bytes; see `docs/tracking-code.md`.
    ///
    /// Pure system, modulus 37, radix 2: `p = 0`; for each character value `a`:
    /// `p = 2(p + a) mod 37`; the check value is `(38 - p) mod 37`, so that the whole code,
    /// check included, weighs 1 mod 37. Bytes outside the alphabet count as 0; callers pass
    /// validated payloads.
    public static func checkValue(of payload: [UInt8]) -> Int {
        var p = 0
        for byte in payload { p = checkStep(p, alphabetValue(byte) ?? 0) }
        return checkValue(afterState: p)
    }

    /// One step of MOD 37-2: from state `p` (0...36) and character value `a` (0...35) to the
    /// next state.
    static func checkStep(_ p: Int, _ a: Int) -> Int { 2 * (p + a) % 37 }

    /// The check value that closes a payload whose last state is `p`.
    static func checkValue(afterState p: Int) -> Int { (38 - p) % 37 }

    /// The 37 characters of the check alphabet, in value order: `0-9`, `A-Z`, then `*`
    /// (payloads use only the first 36).
    static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*".utf8)

    /// Value of an upper-case alphanumeric byte, or nil (`*` is not a payload character).
    static func alphabetValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    /// Value of a check character byte (`0-9 A-Z *`), or nil.
    static func checkCharacterValue(_ byte: UInt8) -> Int? {
        byte == UInt8(ascii: "*") ? 36 : alphabetValue(byte)
    }

    /// The characters the check covers: prefix, `YYMMDD` and the sequence field, no hyphens.
    static func payload(prefix: String, day: CalendarDay, sequence: Int) -> [UInt8] {
        Array(prefix.utf8) + Array(dateField(day).utf8) + Array(sequenceField(sequence).utf8)
    }

    static func dateField(_ day: CalendarDay) -> String {
        ASCIIText.zeroPadded(day.year % 100, 2) + ASCIIText.zeroPadded(day.month, 2) + ASCIIText.zeroPadded(day.day, 2)
    }

    static func sequenceField(_ sequence: Int) -> String { ASCIIText.zeroPadded(sequence, 4) }
}
