import KioskDomain

/// `occurredAt` and `sentAt` as the wire wants them, written into a fixed buffer: the same
/// text as `Timestamp.description` (`2026-11-21T09:15:02+07:00`, `…Z` at offset 0), without
/// its string interpolations, which cost more than the rest of building a batch.
enum WireTime {
    /// RFC 3339 with the offset, whole seconds.
    static func rfc3339(_ time: Timestamp) -> String {
        let day = time.localDay
        guard (0...9999).contains(day.year), abs(time.offsetSeconds) < 24 * 3600 else { return time.description }
        let second = time.localSecondOfDay
        let offset = abs(time.offsetSeconds)
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
            if time.offsetSeconds == 0 {
                put("Z")
            } else {
                put(time.offsetSeconds < 0 ? "-" : "+")
                put(offset / 3600, digits: 2)
                put(":")
                put(offset % 3600 / 60, digits: 2)
            }
            return i
        }
    }
}
