import KioskDomain
import Testing

@testable import KioskForwarding

@Suite struct WireTimeTests {
    @Test func writesExactlyWhatTimestampDescriptionWrites() {
        var state: UInt64 = 0xC0FF_EE26
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let offsets = [0, 7 * 3600, -5 * 3600, 5 * 3600 + 45 * 60, -(9 * 3600 + 30 * 60), 14 * 3600, 3600 + 59]
        for _ in 0..<5000 {
            let unix = Int64(next() % 9_467_280_000) - 2_208_988_800
            let time = Timestamp(unixSeconds: unix, offsetSeconds: offsets[Int(next() % UInt64(offsets.count))])
            #expect(WireTime.rfc3339(time) == time.description)
        }
        let edges = [
            Timestamp(unixSeconds: 0, offsetSeconds: 0), Timestamp(unixSeconds: -1, offsetSeconds: 0),
            Timestamp(unixSeconds: 253_402_300_799, offsetSeconds: 0),  // 9999-12-31T23:59:59Z
            Timestamp(unixSeconds: 253_402_300_800, offsetSeconds: 0),  // year 10000: the general path
            Timestamp(unixSeconds: -62_135_596_800 - 86400, offsetSeconds: 0),  // before year 1
            Timestamp(unixSeconds: 1_795_000_000, offsetSeconds: 30 * 3600),  // offset beyond a day
        ]
        for time in edges { #expect(WireTime.rfc3339(time) == time.description, "\(time.unixSeconds)") }
    }
}
