/// An instant with the UTC offset it is shown in, printed RFC 3339
/// (`2026-11-21T09:15:02+07:00`), as receipts and the central protocol want it.
///
/// The domain keeps no Foundation `Date` so its rules stay pure; the service converts.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Seconds since the Unix epoch.
    public var unixSeconds: Int64
    /// Offset from UTC in seconds; Vietnam is +25200 (UTC+7).
    public var offsetSeconds: Int

    /// Vietnam's offset, UTC+7 (no daylight saving).
    public static let vietnamOffset = 7 * 3600

    /// Creates an instant shown at an offset (Vietnam's unless told).
    public init(unixSeconds: Int64, offsetSeconds: Int = Timestamp.vietnamOffset) {
        self.unixSeconds = unixSeconds
        self.offsetSeconds = offsetSeconds
    }

    /// The local calendar day at the offset.
    public var localDay: CalendarDay {
        let local = unixSeconds + Int64(offsetSeconds)
        return CalendarDay(daysSinceEpoch: Int((local - (local % 86400 + 86400) % 86400) / 86400))
    }

    /// Seconds since local midnight at the offset.
    public var localSecondOfDay: Int {
        let local = unixSeconds + Int64(offsetSeconds)
        return Int((local % 86400 + 86400) % 86400)
    }

    /// RFC 3339 with the offset, whole seconds: `2026-11-21T09:15:02+07:00`.
    public var description: String {
        let s = localSecondOfDay
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let sign = offsetSeconds < 0 ? "-" : "+"
        let off = abs(offsetSeconds)
        let zone = offsetSeconds == 0 ? "Z" : "\(sign)\(two(off / 3600)):\(two(off % 3600 / 60))"
        return "\(localDay)T\(two(s / 3600)):\(two(s % 3600 / 60)):\(two(s % 60))\(zone)"
    }

    /// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`); fractions are dropped.
    public init?(rfc3339 text: String) {
        let chars = Array(text.utf8)
        guard chars.count >= 20, let day = CalendarDay(iso: String(decoding: chars[0..<10], as: UTF8.self)),
            chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t") || chars[10] == UInt8(ascii: " "),
            chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":")
        else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= chars.count else { return nil }
            var v = 0
            for c in chars[r] {
                guard (48...57).contains(c) else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let h = num(11..<13), let m = num(14..<16), let sec = num(17..<19), h < 24, m < 60, sec < 61 else {
            return nil
        }
        var i = 19
        if i < chars.count, chars[i] == UInt8(ascii: ".") {
            i += 1
            while i < chars.count, (48...57).contains(chars[i]) { i += 1 }
        }
        guard i < chars.count else { return nil }
        var offset = 0
        if chars[i] == UInt8(ascii: "Z") || chars[i] == UInt8(ascii: "z") {
            guard i + 1 == chars.count else { return nil }
        } else {
            guard chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-"), i + 6 == chars.count,
                chars[i + 3] == UInt8(ascii: ":"), let oh = num(i + 1..<i + 3), let om = num(i + 4..<i + 6),
                oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (chars[i] == UInt8(ascii: "-") ? -1 : 1)
        }
        let local = Int64(day.daysSinceEpoch) * 86400 + Int64(h * 3600 + m * 60 + min(sec, 59))
        self.init(unixSeconds: local - Int64(offset), offsetSeconds: offset)
    }

    /// Orders instants by time, whatever their offsets.
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.unixSeconds < b.unixSeconds }
}
