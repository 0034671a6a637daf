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
            (0..<24).contains(h), (0..<60).contains(m), (0...60).contains(s), (1...31).contains(day),
            (1...9999).contains(year)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86400 + Int64(h * 3600 + m * 60 + min(s, 59))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Formats Unix seconds as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
    public static func format(unixSeconds: Int64) -> String {
        let days = Int((unixSeconds - ((unixSeconds % 86400 + 86400) % 86400)) / 86400)
        let secs = Int((unixSeconds % 86400 + 86400) % 86400)
        // civil_from_days
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        // IMF-fixdate's year is four digits: 0997, not 997.
        let year = y >= 0 && y < 1000 ? String(String(y + 10000).dropFirst()) : "\(y)"
        return
            "\(weekday), \(two(d)) \(months[m - 1]) \(year) \(two(secs / 3600)):\(two(secs % 3600 / 60)):\(two(secs % 60)) GMT"
    }
}
