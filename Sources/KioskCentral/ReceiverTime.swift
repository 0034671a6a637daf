#if canImport(Glibc)
    import Glibc
#endif

/// Times the receiver writes into status updates: RFC 3339 with an offset. (The HTTP `Date`
/// header is `HTTPDate.now()` from KioskProtocol, shared with the kiosk's parser.)
enum ReceiverTime {
    /// RFC 3339 with the given offset: `2026-11-21T09:15:02+07:00`.
    static func rfc3339(_ seconds: Int64, offsetSeconds: Int) -> String {
        let t = brokenDown(seconds + Int64(offsetSeconds))
        let sign = offsetSeconds < 0 ? "-" : "+"
        let offset = abs(offsetSeconds)
        let date = "\(t.tm_year + 1900)-\(two(t.tm_mon + 1))-\(two(t.tm_mday))"
        let time = "\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec))"
        return "\(date)T\(time)\(sign)\(two(Int32(offset / 3600))):\(two(Int32(offset % 3600 / 60)))"
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
