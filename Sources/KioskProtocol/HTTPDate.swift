import KioskDomain

#if canImport(Glibc)
    import Glibc
#endif

/// HTTP-date parsing (RFC 9110 §5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime
/// forms that recipients must also accept.
public enum HTTPDate {
    /// IMF-fixdate of the wall clock now, for a `Date` header: `Sat, 21 Nov 2026 02:15:03 GMT`.
    public static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return format(unixSeconds: Int64(ts.tv_sec))
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Unix seconds of an HTTP-date, or nil when `text` is not one.
    ///
    /// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate), `Sunday, 06-Nov-94 08:49:37 GMT`
    /// (RFC 850; two-digit years are taken as 19xx/20xx within 50 years of 2000),
    /// `Sun Nov  6 08:49:37 1994` (asctime).
    public static func unixSeconds(_ text: String) -> Int64? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        if parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" {
            // IMF-fixdate
            guard let day = Int(parts[1]), let month = month(parts[2]), let year = Int(parts[3]), parts[3].count == 4
            else { return nil }
            return make(year: year, month: month, day: day, time: parts[4])
        }
        if parts.count == 4, parts[0].hasSuffix(","), parts[3] == "GMT" {
            // RFC 850: day-DD-Mon-YY
            let date = parts[1].split(separator: "-").map(String.init)
            guard date.count == 3, let day = Int(date[0]), let month = month(date[1]), let yy = Int(date[2]),
                date[2].count == 2
            else { return nil }
            return make(year: yy < 50 ? 2000 + yy : 1900 + yy, month: month, day: day, time: parts[2])
        }
        if parts.count == 5, let month = month(parts[1]) {
            // asctime: Sun Nov  6 08:49:37 1994
            guard let day = Int(parts[2]), let year = Int(parts[4]), parts[4].count == 4 else { return nil }
            return make(year: year, month: month, day: day, time: parts[3])
        }
        return nil
    }

    private static func month(_ name: String) -> Int? {
        months.firstIndex(of: name).map { $0 + 1 }
    }

    private static func make(year: Int, month: Int, day: Int, time: String) -> Int64? {
        let hms = time.split(separator: ":").map { Int($0) }
        guard hms.count == 3, let h = hms[0], let m = hms[1], let s = hms[2], time.count == 8,
            (0..<24).contains(h), (0..<60).contains(m), (0...60).contains(s),
            let date = CalendarDay(year: year, month: month, day: day)
        else { return nil }
        return Int64(date.daysSinceEpoch) * 86400 + Int64(h * 3600 + m * 60 + min(s, 59))
    }

    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// Formats Unix seconds as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    public static func format(unixSeconds: Int64) -> String {
        let days = Int((unixSeconds - ((unixSeconds % 86400 + 86400) % 86400)) / 86400)
        let secs = Int((unixSeconds % 86400 + 86400) % 86400)
        let date = CalendarDay(daysSinceEpoch: days)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        // IMF-fixdate's year is four digits: 0997, not 997.
        let y = date.year
        let year = y >= 0 && y < 1000 ? String(String(y + 10000).dropFirst()) : "\(y)"
        let clock = "\(two(secs / 3600)):\(two(secs % 3600 / 60)):\(two(secs % 60))"
        return "\(weekdays[date.isoWeekday - 1]), \(two(date.day)) \(months[date.month - 1]) \(year) \(clock) GMT"
    }
}
