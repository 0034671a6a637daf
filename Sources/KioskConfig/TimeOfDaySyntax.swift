import KioskDomain

extension TimeOfDay {
    /// `HH:MM` as a configuration value (`Cutoff=16:30`, `SameDayCutoff=15:00`).
    static func parse(_ text: String) -> Result<TimeOfDay, ValueProblem> {
        guard let time = TimeOfDay(parsing: text) else {
            return .failure(ValueProblem("not a time of day; write HH:MM (24-hour clock), e.g. 16:30"))
        }
        return .success(time)
    }

    /// `HH:MM-HH:MM`, opening before closing (`OfficeHours=07:30-17:00`).
    static func parseRange(_ text: String) -> Result<ClosedRange<TimeOfDay>, ValueProblem> {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let open = TimeOfDay(parsing: String(INIDocument.trimmed(parts[0]))),
            let close = TimeOfDay(parsing: String(INIDocument.trimmed(parts[1]))), open < close
        else {
            return .failure(ValueProblem("not office hours; write opening-closing as HH:MM-HH:MM, e.g. 07:30-17:00"))
        }
        return .success(open...close)
    }
}
