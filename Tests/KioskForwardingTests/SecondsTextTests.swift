import Foundation
import Testing

@testable import KioskForwarding

/// `retry_in_s` in the forwarding log: three decimals, as `String(format: "%.3f")` gave them.
@Suite struct SecondsTextTests {
    @Test func matchesFoundationsFormatting() {
        for seconds in [0, 0.001, 0.25, 1, 1.5, 2.0625, 30, 59.999, 300, 3600.125, 86400] {
            #expect(secondsText(seconds) == String(format: "%.3f", seconds), "\(seconds)")
        }
    }

    @Test func neverCrashesOnValuesNoBackoffGives() {
        #expect(secondsText(.infinity) == "inf")
        #expect(secondsText(-0.5) == "-0.500")
        #expect(secondsText(.nan) == "nan")
    }
}
