import Foundation
import Testing

@testable import ESCPOS

/// The interpreter's notes name bytes as `String(format: "0x%02X")` did, without Foundation.
@Suite struct HexByteTests {
    @Test func everyByteAsFoundationFormattedIt() {
        for byte in UInt8.min...UInt8.max {
            #expect(hexByte(byte) == String(format: "0x%02X", byte))
        }
    }

    @Test func anUnknownCommandIsNamedInUpperCaseHex() {
        let result = ESCPOSInterpreter.interpret([0x1B, 0xAB, 0x41, 0x0A])
        #expect(result.notes.contains { $0.contains("unknown ESC 0xAB skipped") }, "\(result.notes)")
    }
}
