import Testing

@testable import KioskDomain

@Suite struct S10CodeTests {
    /// Valid ids: the spec's example, UPU S10's example, and ones whose check digit comes from
    /// the special cases (11 - r = 10 gives 0, 11 - r = 11 gives 5).
    static let valid = [
        "EA123456785VN",  // SPEC.md
        "RA473124829GB",  // UPU S10 example
        "CP000000080VN",  // 11 - 1 = 10 -> 0 (serial 00000008: 56 mod 11 = 1)
        "RR000000005VN",  // 11 - 0 = 11 -> 5
        "LX111111115CN",  // sum 44, 44 mod 11 = 0 -> 11 -> 5
        "EE000000014VN",
        "RB100000003FR",
    ]

    @Test func acceptsValidIds() throws {
        for text in Self.valid {
            let code = try #require(S10Code(parsing: text), "\(text)")
            #expect(code.description == text)
        }
        let code = try #require(S10Code(parsing: "  ea123456785vn \n"))
        #expect(code.serviceIndicator == "EA")
        #expect(code.serialNumber == "12345678")
        #expect(code.checkDigit == 5)
        #expect(code.countryCode == "VN")
        #expect(code.description == "EA123456785VN")
    }

    @Test func computesCheckDigits() {
        #expect(S10Code.checkDigit(forSerial: Array("12345678".utf8)) == 5)
        #expect(S10Code.checkDigit(forSerial: Array("00000008".utf8)) == 0)
        #expect(S10Code.checkDigit(forSerial: Array("00000000".utf8)) == 5)
        #expect(S10Code.checkDigit(forSerial: Array("1234567".utf8)) == nil)
        #expect(S10Code.checkDigit(forSerial: Array("1234567A".utf8)) == nil)
    }

    /// Every wrong check digit of every valid id is refused as a check digit mismatch.
    @Test func refusesEveryWrongCheckDigit() {
        for text in Self.valid {
            var bytes = Array(text.utf8)
            let right = bytes[10]
            for digit in UInt8(ascii: "0")...UInt8(ascii: "9") where digit != right {
                bytes[10] = digit
                let wrong = String(decoding: bytes, as: UTF8.self)
                #expect(S10Code.parse(wrong) == .failure(.checkDigitMismatch), "\(wrong)")
                #expect(S10Code(parsing: wrong) == nil)
            }
        }
    }

    @Test func refusesWrongShapes() {
        for text in [
            "", "EA12345678VN", "EA1234567850VN", "E1123456785VN", "EA123456785V1", "EA12345678XVN",
            "EA 123456785VN", "ÉA123456785VN", "EA123456785VNN",
        ] {
            #expect(S10Code.parse(text) == .failure(.shape), "\(text)")
        }
    }
}
