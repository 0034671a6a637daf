import Foundation
import Testing

@testable import KioskStore

/// The suffix a corrupt database is moved aside under (`kiosk.db.corrupt-20261121T021502Z`),
/// now from the domain's civil-date code: the same text Foundation's DateFormatter gave.
@Suite struct CorruptStampTests {
    @Test func sameTextAsTheDateFormatterItReplaced() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let instants: [Double] = [
            0, 1_795_227_302, 1_795_227_302.999, 951_782_400, 4_107_542_399, 1_704_067_199.5, -1.5, 86_399,
        ]
        for seconds in instants {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(StoreFile.corruptStamp(date) == formatter.string(from: date), "\(seconds)")
        }
    }
}
