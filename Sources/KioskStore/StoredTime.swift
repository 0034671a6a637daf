import KioskDomain

/// Reading back the times the store writes (`Timestamp.description`:
/// `2026-11-21T09:15:02+07:00`, or `…Z` at offset 0) without the general RFC 3339 parser,
/// which costs a few microseconds per value — a tenth of the kiosk's CPU when it drains a
/// backlog reads 100 `occurred_at` values per batch. Anything else falls back to
/// `Timestamp(rfc3339:)`, so older or hand-made rows still read the same.
enum StoredTime {
    /// The instant in `text`, nil when it is not RFC 3339.
    static func parse(_ text: String) -> Timestamp? {
        var text = text
        return text.withUTF8 { bytes in fastParse(bytes) } ?? Timestamp(rfc3339: text)
    }

    /// `YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM`, exactly; nil otherwise.
    private static func fastParse(_ b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
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
}
