import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Dates the receiver writes: the HTTP `Date` header and RFC 3339 times with an offset.
enum HTTPDate {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// IMF-fixdate of now: `Sat, 21 Nov 2026 02:15:03 GMT`.
    static func now() -> String { imfFixdate(wallClockSeconds()) }

    /// IMF-fixdate (RFC 9110 §5.6.7) of Unix seconds.
    static func imfFixdate(_ seconds: Int64) -> String {
        let t = brokenDown(seconds)
        return
            "\(weekdays[Int(t.tm_wday)]), \(two(t.tm_mday)) \(months[Int(t.tm_mon)]) \(t.tm_year + 1900) \(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec)) GMT"
    }

    /// RFC 3339 with the given offset: `2026-11-21T09:15:02+07:00`.
    static func rfc3339(_ seconds: Int64, offsetSeconds: Int) -> String {
        let t = brokenDown(seconds + Int64(offsetSeconds))
        let sign = offsetSeconds < 0 ? "-" : "+"
        let offset = abs(offsetSeconds)
        return
            "\(t.tm_year + 1900)-\(two(t.tm_mon + 1))-\(two(t.tm_mday))T\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec))\(sign)\(two(Int32(offset / 3600))):\(two(Int32(offset % 3600 / 60)))"
    }

    private static func brokenDown(_ seconds: Int64) -> tm {
        var time = time_t(seconds)
        var result = tm()
        gmtime_r(&time, &result)
        return result
    }

    private static func two(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
