import KioskDomain
import Testing

@testable import KioskStore

@Suite struct StoredTimeTests {
    /// Every time the store writes reads back as the general RFC 3339 parser reads it.
    @Test func readsWhatTheStoreWritesAsTheGeneralParserDoes() {
        var state: UInt64 = 0x5EED_2026
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let offsets = [0, 7 * 3600, -5 * 3600, 5 * 3600 + 45 * 60, -(9 * 3600 + 30 * 60), 14 * 3600, -12 * 3600]
        for _ in 0..<5000 {
            // 1900 … 2200, any second, any of the offsets.
            let unix = Int64(next() % 9_467_280_000) - 2_208_988_800
            let time = Timestamp(unixSeconds: unix, offsetSeconds: offsets[Int(next() % UInt64(offsets.count))])
            let text = time.description
            #expect(StoredTime.parse(text) == time, "\(text)")
            #expect(StoredTime.parse(text) == Timestamp(rfc3339: text), "\(text)")
        }
    }

    @Test func otherFormsFallBackToTheGeneralParser() {
        for text in [
            "2026-11-21T09:15:02.123+07:00", "2026-11-21t09:15:02Z", "2026-11-21 09:15:02+07:00",
            "2026-12-31T23:59:60Z",
        ] {
            #expect(StoredTime.parse(text) == Timestamp(rfc3339: text), "\(text)")
            #expect(StoredTime.parse(text) != nil, "\(text)")
        }
        for text in [
            "", "2026-02-30T09:15:02+07:00", "2026-11-21T24:00:00Z", "2026-11-21T09:15:02+07", "x026-11-21T09:15:02Z",
        ] {
            #expect(StoredTime.parse(text) == nil, "\(text)")
        }
    }
}
