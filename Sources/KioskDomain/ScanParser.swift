/// Turns the text of one scan into a `Scan`, or a `ScanRejection` saying why not.
///
/// The one place where scans are parsed and validated. Steps: refuse more than
/// `maximumLength` characters; drop an AIM symbology identifier (`]` + letter + letter or digit,
/// e.g. `]Q1` QR, `]C0` CODE128, `]E0` EAN-13) at the start; trim surrounding spaces and line
/// ends; then decide by shape:
/// - contains `|`: a chip ID card QR;
/// - starts with `KIOSK:` (any case): a control code;
/// - a digit, a dot, six digits: a procedure code;
/// - 2 letters, 9 digits, 2 letters: an S10 postal item id;
/// - four `-`-separated fields, the last one character: a tracking code;
/// - anything else is unrecognised.
public struct ScanParser: Sendable {
    /// Longest scan accepted, in Unicode scalars.
    public static let maximumLength = 4096

    /// Creates a parser.
    public init() {}

    /// Parses one scan.
    public func parse(_ text: String) -> Result<Scan, ScanRejection> {
        // UTF-8 length is O(1) and never below the scalar count: count scalars only when needed.
        if text.utf8.count > ScanParser.maximumLength {
            let length = text.unicodeScalars.count
            guard length <= ScanParser.maximumLength else { return .failure(.tooLong(length)) }
        }
        let body = ASCIIText.trimmed(String(ScanParser.withoutSymbologyIdentifier(text)))
        guard !body.isEmpty else { return .failure(.empty) }
        let text = String(body)

        if text.utf8.contains(UInt8(ascii: "|")) {
            return CitizenIDCard.parse(text).map(Scan.idCard).mapError(ScanRejection.idCard)
        }
        let upper = String(decoding: text.utf8.map(ASCIIText.uppercased), as: UTF8.self)
        if upper.hasPrefix("KIOSK:") {
            guard let control = ControlCode(rawValue: upper) else { return .failure(.unknownControlCode) }
            return .success(.control(control))
        }
        if ScanParser.isProcedureCode(text) {
            return .success(.procedureCode(text))
        }
        if S10Code.looksLikeS10(text) {
            return S10Code.parse(text).map(Scan.postalItem).mapError(ScanRejection.postalItem)
        }
        let fields = text.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        if fields.count == 4, fields[3].count == 1 {
            return TrackingCode.parse(text).map(Scan.trackingCode).mapError(ScanRejection.trackingCode)
        }
        return .failure(.unrecognised)
    }

    /// Whether a text is a national procedure code: a digit, a dot, six digits.
    public static func isProcedureCode(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 8 && ASCIIText.isDigit(bytes[0]) && bytes[1] == UInt8(ascii: ".")
            && bytes[2...].allSatisfy(ASCIIText.isDigit)
    }

    /// The text without a leading AIM symbology identifier (`]`, a letter, a letter or digit).
    public static func withoutSymbologyIdentifier(_ text: String) -> Substring {
        var scalars = text.unicodeScalars.makeIterator()
        guard let bracket = scalars.next(), bracket == "]", let code = scalars.next(),
            let modifier = scalars.next(), isASCIILetter(code), isASCIILetter(modifier) || isASCIIDigit(modifier)
        else { return Substring(text) }
        var rest = String.UnicodeScalarView()
        rest.append(contentsOf: text.unicodeScalars.dropFirst(3))
        return Substring(String(rest))
    }

    private static func isASCIILetter(_ s: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(s) || ("a"..."z").contains(s)
    }

    private static func isASCIIDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
}
