/// A date of birth as ID cards carry it: the year always, the month and day only when known.
///
/// Cards of people whose registered birth date lacks a day or month print `00` for it
/// (`00001995`, `00031995`), and some carry the year alone (`1995`). The kiosk keeps what is
/// known and never invents the rest: `description` is ISO 8601 at reduced precision —
/// `1995-03-14`, `1995-03` or `1995` — the form the store, the receipts and the central
/// protocol's `birthDate` use (see docs/id-card.md).
public struct BirthDate: Sendable, Hashable, CustomStringConvertible {
    /// Year, 1…9999.
    public var year: Int
    /// Month 1…12, nil when unknown.
    public var month: Int?
    /// Day of the month, nil when unknown (always nil when `month` is).
    public var day: Int?

    /// A fully known date.
    public init(_ day: CalendarDay) {
        self.year = day.year
        self.month = day.month
        self.day = day.day
    }

    /// A date with unknown parts; nil when the parts do not make a date (a day without a
    /// month, 30 February, month 13).
    public init?(year: Int, month: Int? = nil, day: Int? = nil) {
        guard (1...9999).contains(year) else { return nil }
        if let day {
            guard let month, CalendarDay(year: year, month: month, day: day) != nil else { return nil }
        } else if let month {
            guard (1...12).contains(month) else { return nil }
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`; nil for anything else.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let widths = [4, 2, 2]
        guard (1...3).contains(parts.count),
            parts.enumerated().allSatisfy({ $0.element.utf8.count == widths[$0.offset] }),
            parts.allSatisfy({ $0.utf8.allSatisfy(ASCIIText.isDigit) }),
            let year = Int(parts[0])
        else { return nil }
        self.init(
            year: year, month: parts.count > 1 ? Int(parts[1]) : nil, day: parts.count > 2 ? Int(parts[2]) : nil)
    }

    /// The calendar day, when day and month are both known.
    public var calendarDay: CalendarDay? {
        guard let month, let day else { return nil }
        return CalendarDay(year: year, month: month, day: day)
    }

    /// Whether day and month are both known.
    public var isComplete: Bool { day != nil }

    /// `1995-03-14`, `1995-03` or `1995`.
    public var description: String {
        var text = Self.pad(year, 4)
        if let month { text += "-" + Self.pad(month, 2) }
        if let day { text += "-" + Self.pad(day, 2) }
        return text
    }

    /// As a Vietnamese form prints it: `14/03/1995`, `03/1995` or `1995`.
    public var vietnamese: String {
        var text = String(year)
        if let month { text = Self.pad(month, 2) + "/" + text }
        if let day { text = Self.pad(day, 2) + "/" + text }
        return text
    }

    /// The earliest day the date can be, for comparisons with whole days (issue date).
    public var earliestDay: CalendarDay {
        CalendarDay(year: year, month: month ?? 1, day: day ?? 1) ?? CalendarDay(year: year, month: 1, day: 1)!
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
