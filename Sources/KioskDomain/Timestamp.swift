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

    /// RFC 3339 with the offset, whole seconds: `2026-11-21T09:15:02+07:00` (`…Z` at offset 0).
    ///
    /// Written into a fixed buffer for years 0…9999 and offsets under a day (every time the
    /// kiosk writes: a batch of 100 events formats 101 of them, and string interpolation cost
    /// more than the rest of building it); the general form otherwise.
    public var description: String {
        let day = localDay
        guard (0...9999).contains(day.year), abs(offsetSeconds) < 24 * 3600 else { return generalDescription }
        let second = localSecondOfDay
        let offset = abs(offsetSeconds)
        return String(unsafeUninitializedCapacity: 25) { buffer in
            var i = 0
            func put(_ value: Int, digits: Int) {
                var divisor = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    buffer[i] = UInt8(0x30 + value / divisor % 10)
                    i += 1
                    divisor /= 10
                }
            }
            func put(_ character: Unicode.Scalar) {
                buffer[i] = UInt8(ascii: character)
                i += 1
            }
            put(day.year, digits: 4)
            put("-")
            put(day.month, digits: 2)
            put("-")
            put(day.day, digits: 2)
            put("T")
            put(second / 3600, digits: 2)
            put(":")
            put(second % 3600 / 60, digits: 2)
            put(":")
            put(second % 60, digits: 2)
            if offsetSeconds == 0 {
                put("Z")
            } else {
                put(offsetSeconds < 0 ? "-" : "+")
                put(offset / 3600, digits: 2)
                put(":")
                put(offset % 3600 / 60, digits: 2)
            }
            return i
        }
    }

    /// ``description`` by string interpolation, for any year and offset.
    var generalDescription: String {
        let s = localSecondOfDay
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let sign = offsetSeconds < 0 ? "-" : "+"
        let off = abs(offsetSeconds)
        let zone = offsetSeconds == 0 ? "Z" : "\(sign)\(two(off / 3600)):\(two(off % 3600 / 60))"
        return "\(localDay)T\(two(s / 3600)):\(two(s % 3600 / 60)):\(two(s % 60))\(zone)"
    }

    /// Parses RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`); fractions are dropped.
    ///
    /// What ``description`` writes is read without the general parser (it costs a few
    /// microseconds a value, a tenth of the kiosk's CPU when it drains a backlog of 100
    /// `occurred_at` values per batch); anything else takes the general path.
    public init?(rfc3339 text: String) {
        var text = text
        if let fast = text.withUTF8({ Timestamp.parseWritten($0) }) {
            self = fast
        } else if let general = Timestamp(generalRFC3339: text) {
            self = general
        } else {
            return nil
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM`, exactly as ``description`` writes it; nil
    /// otherwise.
    static func parseWritten(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard b.count == 20 || b.count == 25 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from..<(from + count) {
                let digit = Int(b[i]) - 0x30
                guard digit >= 0 && digit <= 9 else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
            hour < 24, minute < 60, second < 60,
            let date = CalendarDay(year: year, month: month, day: day)
        else { return nil }
        var offset = 0
        if b.count == 20 {
            guard b[19] == UInt8(ascii: "Z") else { return nil }
        } else {
            guard b[19] == UInt8(ascii: "+") || b[19] == UInt8(ascii: "-"), b[22] == UInt8(ascii: ":"),
                let offsetHours = number(20, 2), let offsetMinutes = number(23, 2), offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offset = (offsetHours * 3600 + offsetMinutes * 60) * (b[19] == UInt8(ascii: "-") ? -1 : 1)
        }
        let local = Int64(date.daysSinceEpoch) * 86400 + Int64(hour * 3600 + minute * 60 + second)
        return Timestamp(unixSeconds: local - Int64(offset), offsetSeconds: offset)
    }

    /// The general RFC 3339 parser behind ``init(rfc3339:)``.
    init?(generalRFC3339 text: String) {
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
