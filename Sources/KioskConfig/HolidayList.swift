import KioskDomain

/// Extra non-working days and swapped working days (`[Kiosk] Holidays=`).
///
/// The file holds one date a line, `YYYY-MM-DD`, then `off` or `work`, then an optional label:
///
///     # comment
///     2026-01-02 off   Nghỉ hoán đổi             <- a day off
///     2026-01-10 work  Làm bù cho 2026-01-02    <- a working day (a swapped Saturday)
///     2027-09-03 work  2/9 đi với 1/9 năm nay   <- overrides a day off the rules computed
///
/// `off` makes any day a day off; `work` makes any day a working day — a Saturday worked for
/// a swap, or a weekday the rules would give off (a 2/9 companion day or compensation day the
/// year's announcement placed elsewhere). The file overrides the rules; `work` wins over
/// everything. A date with only a label (no `off`/`work`) is a day off, as in older files. A
/// date listed twice is an error. Blank lines and lines starting with `#` are ignored.
public struct HolidayList: Sendable, Equatable {
    /// Days off in addition to weekends and the public holidays the calendar knows.
    public var days: Set<CalendarDay>
    /// Days that are working days whatever the rules say (swapped Saturdays, overrides).
    public var workingDays: Set<CalendarDay>

    /// Creates a list.
    public init(days: Set<CalendarDay> = [], workingDays: Set<CalendarDay> = []) {
        self.days = days
        self.workingDays = workingDays
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(ConfigurationErrors) -> HolidayList {
        switch ConfigFile.contents(path: path) {
        case .success(let bytes): return try parse(bytes: bytes, file: path)
        case .failure(let problem):
            throw ConfigurationErrors(diagnostics: [ConfigDiagnostic(file: path, line: 0, message: problem.message)])
        }
    }

    /// Parses holiday-file text; `file` names it in diagnostics.
    public static func parse(text: String, file: String) throws(ConfigurationErrors) -> HolidayList {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses holiday-file bytes (invalid UTF-8 is reported by line).
    public static func parse(bytes: [UInt8], file: String) throws(ConfigurationErrors) -> HolidayList {
        let (list, diagnostics) = read(bytes: bytes, file: file)
        guard diagnostics.isEmpty else { throw ConfigurationErrors(diagnostics: diagnostics) }
        return list
    }

    static func read(bytes: [UInt8], file: String) -> (HolidayList, [ConfigDiagnostic]) {
        let source = SourceText(bytes: bytes, file: file)
        var diagnostics = source.diagnostics
        var list = HolidayList()
        var firstLine: [CalendarDay: Int] = [:]
        for line in source.lines {
            let text = INIDocument.trimmed(Substring(line.text))
            if text.isEmpty || text.hasPrefix("#") { continue }
            func report(_ message: String) {
                diagnostics.append(ConfigDiagnostic(file: file, line: line.number, message: message))
            }
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let dateText = String(words[0])
            guard let day = CalendarDay(iso: dateText) else {
                // Shaped like a date but not one (2026-02-30) deserves its own message.
                let shaped =
                    dateText.utf8.enumerated().allSatisfy { offset, byte in
                        offset == 4 || offset == 7 ? byte == 0x2D : (byte >= 0x30 && byte <= 0x39)
                    } && dateText.utf8.count == 10
                report(
                    shaped
                        ? "\"\(dateText)\" is not a day of the calendar; check the month and day"
                        : "\"\(dateText)\" is not a date; write YYYY-MM-DD, e.g. 2026-04-27, then an optional label")
                continue
            }
            if let first = firstLine[day] {
                report("\(day) is listed twice; the first is at line \(first): keep one")
                continue
            }
            firstLine[day] = line.number
            let keyword = words.count > 1 ? words[1].lowercased() : ""
            if keyword == "work" {
                list.workingDays.insert(day)
            } else {
                list.days.insert(day)
            }
        }
        return (list, diagnostics.sorted { $0.line < $1.line })
    }
}
