/// What the 12-digit personal identification number (số định danh cá nhân, printed on chip
/// cards as the card number) says about its holder, and the checks the kiosk makes with it.
///
/// Layout (Decree 137/2015/NĐ-CP art. 7, Circular 07/2016/TT-BCA, replaced by Circular
/// 59/2021/TT-BCA with the same codes): digits 1–3 the code of the province where the birth was
/// registered; digit 4 the century of birth and gender (0/1 = 20th century male/female, 2/3 =
/// 21st, 4/5 = 22nd, 6/7 = 23rd, 8/9 = 24th); digits 5–6 the last two digits of the birth year;
/// digits 7–12 a random number.
///
/// Only a consistency check: a QR code that a scanner typed wrongly (a dropped or changed
/// digit) usually fails it, so the citizen is asked to scan again.
public enum PersonalIdentificationNumber {
    /// The provinces' birth-registration codes (the 63 provinces before the 2025 merger; the
    /// codes of numbers already issued do not change with the merger). When the Ministry adds
    /// codes, add them here: an unknown code is refused as a misread.
    public static let provinceCodes: Set<Int> = [
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42,
        44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86,
        87, 89, 91, 92, 93, 94, 95, 96,
    ]

    /// Why a number does not agree with itself or with the card.
    public enum Mismatch: Sendable, Equatable, CustomStringConvertible {
        /// Digits 1–3 are not a province code.
        case provinceCode
        /// Digit 4 gives the other gender than the card's gender field.
        case gender
        /// Digit 4 and digits 5–6 give another birth year than the card's birth date.
        case birthYear

        /// English, with none of the number's digits.
        public var description: String {
            switch self {
            case .provinceCode: "its first three digits are not a province code"
            case .gender: "its fourth digit does not match the gender"
            case .birthYear: "its fourth to sixth digits do not match the birth year"
            }
        }
    }

    /// Checks a 12-digit number against the card's gender (`Nam`/`Nữ`) and birth year; nil
    /// when everything agrees. `number` must be 12 ASCII digits.
    public static func mismatch(_ number: String, gender: String, birthYear: Int) -> Mismatch? {
        let digits = number.utf8.map { Int($0) - 0x30 }
        guard digits.count == 12 else { return .provinceCode }
        let province = digits[0] * 100 + digits[1] * 10 + digits[2]
        guard provinceCodes.contains(province) else { return .provinceCode }
        let centuryAndGender = digits[3]
        let female = centuryAndGender % 2 == 1
        if female != (gender != "Nam") { return .gender }
        let year = 1900 + 100 * (centuryAndGender / 2) + digits[4] * 10 + digits[5]
        return year == birthYear ? nil : .birthYear
    }
}
