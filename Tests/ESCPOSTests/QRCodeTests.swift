import Testing
@testable import ESCPOS

@Suite struct QRCodeTests {
    static let idCard =
        "001090012345|123456789|Nguyễn Thị Hồng Nhung|15081990|Nữ|Tổ 5, Phường Đồng Tâm, Thành phố Yên Bái, Tỉnh Yên Bái|12052021"

    func matrix(_ code: QRCode) -> [String] {
        (0..<code.size).map { y in String((0..<code.size).map { x in code[x, y] ? "#" : "." }) }
    }

    @Test func matchesReferenceMatrices() throws {
        #expect(try QRCode.encode("YBVY01-261121-0007-K", errorCorrection: .medium).mask == 2)
        #expect(matrix(try QRCode.encode("YBVY01-261121-0007-K", errorCorrection: .medium)) == QRReferences.trackingCodeM)
        #expect(matrix(try QRCode.encode("EA123456785VN", errorCorrection: .high)) == QRReferences.s10IdH)
        #expect(matrix(try QRCode.encode("Nguyễn Thị Hồng Nhung", errorCorrection: .quartile)) == QRReferences.nameQ)
    }

    @Test func choosesModeAndVersion() throws {
        // 41 digits fit version 1-L only in numeric mode; 25 alphanumerics only in alphanumeric mode.
        #expect(try QRCode.encode(String(repeating: "7", count: 41), errorCorrection: .low).version == 1)
        #expect(try QRCode.encode(String(repeating: "A", count: 25), errorCorrection: .low).version == 1)
        #expect(try QRCode.encode(String(repeating: "a", count: 18), errorCorrection: .low).version == 2)
        #expect(try QRCode.encode(Self.idCard, errorCorrection: .high).version == 12)  // 146 bytes; 12-H holds 155
        #expect(throws: QREncodingError.self) {
            try QRCode.encode([UInt8](repeating: 0x61, count: 3000), errorCorrection: .high)
        }
    }

    @Test(arguments: QRErrorCorrection.allCases)
    func zbarimgDecodesRasterAndNativeQR(level: QRErrorCorrection) throws {
        guard TestSupport.zbarimgPresent else {
            print("SKIPPED: /usr/bin/zbarimg not installed (Debian package zbar-tools)")
            return
        }
        for payload in ["YBVY01-261121-0007-K", "EA123456785VN", Self.idCard] {
            // Raster QR (profile without native QR) and native GS ( k drawn by the interpreter.
            for name in ["generic-58mm", "generic-80mm"] {
                let profile = TestSupport.profile(name)
                var e = ESCPOSEncoder(profile: profile)
                e.initialize()
                e.qrCode(payload, errorCorrection: level)
                let receipt = ESCPOSInterpreter.interpret(e.bytes, profile: profile)
                #expect(try TestSupport.zbarimg(receipt.png(scale: 1)) == payload, "\(name) \(level)")
            }
        }
    }

    @Test func zbarimgDecodesCode128() throws {
        guard TestSupport.zbarimgPresent else {
            print("SKIPPED: /usr/bin/zbarimg not installed (Debian package zbar-tools)")
            return
        }
        for payload in ["YBVY01-261121-0007-K", "EA123456785VN", "A12345"] {
            var e = ESCPOSEncoder(profile: TestSupport.profile("generic-80mm"))
            e.code128(payload)
            let receipt = ESCPOSInterpreter.interpret(e.bytes)
            #expect(receipt.transcript.contains("[CODE128 \(payload)]"))
            #expect(try TestSupport.zbarimg(receipt.png(scale: 2)) == payload)
        }
    }
}
