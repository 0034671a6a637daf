import KioskSystem

/// Durations as configuration files write them: a whole number with a unit, `ms`, `s`, `min`
/// or `h` (`80ms`, `15s`, `5min`, `1h`), several summed (`1min 30s`, `1min30s`).
public enum DurationText {
    private static let units: [(name: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("min", 60_000), ("h", 3_600_000),
    ]
    private static let example = "e.g. 80ms, 15s, 5min, 1h or 1min 30s"
    /// Longest duration accepted: 365 days, far beyond any sensible setting, far below overflow.
    private static let maximumMilliseconds: Int64 = 365 * 24 * 3_600_000

    /// Parses `text`; the problem says what is wrong (a bare number asks for a unit).
    static func parse(_ text: String) -> Result<Duration, ValueProblem> {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .failure(ValueProblem("empty; give a duration with a unit, \(example)")) }
        var index = 0
        var total: Int64 = 0
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func isLetter(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) }
        while index < bytes.count {
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            if index == bytes.count { break }
            var number: Int64 = 0
            let numberStart = index
            while index < bytes.count, isDigit(bytes[index]) {
                number = number * 10 + Int64(bytes[index] - 0x30)
                if number > maximumMilliseconds { return .failure(tooLong()) }
                index += 1
            }
            guard index > numberStart else {
                return .failure(ValueProblem("not a duration; write a whole number and a unit, \(example)"))
            }
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            let unitStart = index
            while index < bytes.count, isLetter(bytes[index]) { index += 1 }
            let unit = String(decoding: bytes[unitStart..<index], as: UTF8.self)
            if unit.isEmpty {
                if index < bytes.count {
                    return .failure(ValueProblem("not a duration; write a whole number and a unit, \(example)"))
                }
                return .failure(ValueProblem("a number needs a unit (ms, s, min or h), \(example)"))
            }
            guard let scale = units.first(where: { $0.name == unit })?.milliseconds else {
                return .failure(ValueProblem("unknown unit \"\(unit)\"; use ms, s, min or h, \(example)"))
            }
            let (part, overflow) = number.multipliedReportingOverflow(by: scale)
            guard !overflow, part <= maximumMilliseconds else { return .failure(tooLong()) }
            total += part
            guard total <= maximumMilliseconds else { return .failure(tooLong()) }
        }
        return .success(.milliseconds(total))
    }

    private static func tooLong() -> ValueProblem {
        ValueProblem("longer than 365 days; \(example)")
    }

    /// The shortest text that parses back to `duration` (`80ms`, `5min`, `1min 30s`), to whole
    /// milliseconds.
    public static func format(_ duration: Duration) -> String {
        var remaining = duration.totalMilliseconds
        if remaining == 0 { return "0ms" }
        var parts: [String] = []
        for unit in units.reversed() where remaining >= unit.milliseconds {
            parts.append("\(remaining / unit.milliseconds)\(unit.name)")
            remaining %= unit.milliseconds
        }
        return parts.joined(separator: " ")
    }
}
