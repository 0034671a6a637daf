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
        #expect(
            matrix(try QRCode.encode("YBVY01-261121-0007-K", errorCorrection: .medium)) == QRReferences.trackingCodeM)
        #expect(matrix(try QRCode.encode("EA123456785VN", errorCorrection: .high)) == QRReferences.s10IdH)
        #expect(matrix(try QRCode.encode("Nguyễn Thị Hồng Nhung", errorCorrection: .quartile)) == QRReferences.nameQ)
    }

    /// Large versions (version information, 12- to 16-bit counts, many blocks) against CRC-32s
    /// of the module strings of Python `qrcode` 8.2 symbols with the same version and mask.
    @Test func largeVersionsMatchReference() throws {
        let cases: [(String, Int, QRErrorCorrection, Int, UInt32)] = [
            ("YBVY01-261121-0007-K", 7, .low, 3, 0x09B6_B99A),
            ("0123456789012345678901234567890", 15, .quartile, 5, 0x9401_9625),
            ("Nguyễn Thị Hồng Nhung|Tổ 5", 27, .medium, 1, 0x8B3F_EB3E),
            ("EA123456785VN", 40, .high, 7, 0x5F88_A96D),
        ]
        for (data, version, level, mask, crc) in cases {
            let code = try QRCode.encode(Array(data.utf8), errorCorrection: level, minVersion: version, mask: mask)
            #expect(code.version == version)
            let bits = code.modules.map { $0 ? UInt8(ascii: "1") : UInt8(ascii: "0") }
            #expect(PNGWriter.crc32(bits) == crc, "version \(version)")
        }
    }

    @Test func blockTablesGiveTheStandardCapacities() {
        // Data codewords of ISO/IEC 18004 table 7 for versions 1, 10 and 40 at L, M, Q, H.
        let expected = [1: [19, 16, 13, 9], 10: [274, 216, 154, 122], 40: [2956, 2334, 1666, 1276]]
        for (version, counts) in expected {
            #expect(QRErrorCorrection.allCases.map { QRTables.dataCodewords(version: version, level: $0) } == counts)
        }
        #expect(QRTables.alignmentPositions(version: 32) == [6, 34, 60, 86, 112, 138])
        #expect(QRTables.alignmentPositions(version: 7) == [6, 22, 38])
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
    func zbarimgDecodesRasterAndNativeQR(level: QRErrorCorrection) async throws {
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
                #expect(try await TestSupport.zbarimg(receipt.png(scale: 1)) == payload, "\(name) \(level)")
            }
        }
    }

    @Test func zbarimgDecodesCode128() async throws {
        guard TestSupport.zbarimgPresent else {
            print("SKIPPED: /usr/bin/zbarimg not installed (Debian package zbar-tools)")
            return
        }
        for payload in ["YBVY01-261121-0007-K", "EA123456785VN", "A12345"] {
            var e = ESCPOSEncoder(profile: TestSupport.profile("generic-80mm"))
            e.code128(payload)
            let receipt = ESCPOSInterpreter.interpret(e.bytes)
            #expect(receipt.transcript.contains("[CODE128 \(payload)]"))
            #expect(try await TestSupport.zbarimg(receipt.png(scale: 2)) == payload)
        }
    }
}
