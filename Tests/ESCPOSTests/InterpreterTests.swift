import Testing

@testable import ESCPOS

@Suite struct InterpreterTests {
    /// SplitMix64: a fixed-seed generator, so a failing buffer can be reproduced.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func survivesRandomBytes() {
        var rng = SplitMix(state: 20_261_121)
        let interesting: [UInt8] = [0x1B, 0x1D, 0x10, 0x1C, 0x0A, 0x28, 0x6B, 0x76, 0x30, 0x31, 0x51, 0x50, 0x49, 73]
        for n in 0..<3000 {
            let length = Int.random(in: 0...400, using: &rng)
            let buffer = (0..<length).map { _ in
                Bool.random(using: &rng)
                    ? interesting.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            let r = ESCPOSInterpreter.interpret(buffer)
            #expect(r.notes.count <= RenderedReceipt.maxNotes)
            _ = r.transcript
            if n % 100 == 0 {
                let png = r.png(scale: 1)
                #expect(Array(png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            }
        }
    }

    @Test func lyingLengthsDoNotAllocate() {
        // A raster header claiming 65535×65535 bytes with 3 bytes of data.
        let r = ESCPOSInterpreter.interpret([0x1D, 0x76, 0x30, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3])
        #expect(r.elements.isEmpty)
        #expect(r.notes.count == 1)
        let feeds = Array(repeating: [0x1B, 0x64, 0xFF] as [UInt8], count: 2000).joined()
        let tall = ESCPOSInterpreter.interpret(Array(feeds)).bitmap()
        #expect(tall.height <= ReceiptImageRenderer.maxHeight)
    }

    /// Found by fuzzing: skipping the data of `ESC &` (and every other skipped command) copied
    /// it into an array that, unused, an optimized build released before filling it in (a use
    /// after free under AddressSanitizer). The data is now passed over, not copied; what follows
    /// it must still be read from the right byte.
    @Test func skippedCommandDataIsPassedOver() {
        let fuzzed = ESCPOSInterpreter.interpret([0x1B, 0x26, 0x01, 0x00, 0x67, 0x01, 0x00])
        #expect(fuzzed.elements.isEmpty)
        // ESC & with two 1-byte characters, ESC ( with 2 bytes, GS * with 8, DLE DC4 with 3.
        let bytes: [UInt8] =
            [0x1B, 0x26, 0x01, 0x41, 0x42, 0x01, 0xFF, 0x01, 0xFF] + [0x1B, 0x28, 0x41, 0x02, 0x00, 0x30, 0x31]
            + [0x1D, 0x2A, 0x01, 0x01] + Array(repeating: 0x0A, count: 8) + [0x10, 0x14, 0x01, 0x02, 0x03]
            + Array("OK\n".utf8)
        let receipt = ESCPOSInterpreter.interpret(bytes)
        #expect(receipt.textLines == ["OK"])
        // Two ESC & characters of 1 byte per column do not fit font A's 24-dot cell: dropped.
        #expect(receipt.notes.count == 4)
        #expect(receipt.notes.first?.hasSuffix("does not fit the font's cell, dropped") == true)
        // Data cut short stops the reading instead of running past the end.
        let cut = ESCPOSInterpreter.interpret([0x1B, 0x2A, 0x00, 0x10, 0x00, 0x01, 0x02])
        #expect(cut.notes.last?.hasSuffix("ESC * image cut short") == true)
    }

    @Test func transcriptOfASmallReceipt() {
        var e = ESCPOSEncoder(profile: TestSupport.profile("epson-tm-t20iii"))
        e.initialize()
        e.text("Mã: AB", style: TextStyle(bold: true))
        e.code128("AB1234")
        e.nativeQR(Array("AB".utf8), moduleSize: 4, errorCorrection: .medium)
        var img = MonochromeBitmap(width: 16, height: 3)
        img[0, 0] = true
        e.raster(img)
        var bytes = e.bytes + [0x10, 0x04, 0x01, 0x1B, 0x99]
        bytes += [0x1D, 0x56, 66, 0]
        let r = ESCPOSInterpreter.interpret(bytes)
        #expect(
            r.transcript == """
                Mã: AB  [code page 0→30]
                [CODE128 AB1234]
                [QR AB level medium]
                [RASTER 16×3]
                [STATUS 1]
                [CUT partial]
                # offset 98: unknown ESC 0x99 skipped

                """)
        #expect(r.statusRequests == [1])
        guard case .text(let line) = r.elements.first else {
            Issue.record("no text line")
            return
        }
        #expect(line.runs.first?.style.bold == true)
    }

    @Test func decodesStyleAndPagesFromForeignStreams() {
        // ESC ! with bold + double width, TCVN-3 capitals page, CP1258 with a combining mark.
        let bytes: [UInt8] = [0x1B, 0x21, 0x28, 0x1B, 0x74, 31, 0xA7, 0xB8, 0x0A, 0x1B, 0x74, 52, 0x65, 0xEC, 0x0A]
        let r = ESCPOSInterpreter.interpret(bytes)
        #expect(r.textLines == ["ĐÁ", "é"])
        guard case .text(let line) = r.elements.first else {
            Issue.record("no line")
            return
        }
        #expect(line.runs[0].style.bold && line.runs[0].style.doubleWidth)
    }

    @Test func pngChecksums() {
        #expect(PNGWriter.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGWriter.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        let big = [UInt8](repeating: 0xFF, count: 100_000)
        var a: UInt32 = 1
        var b: UInt32 = 0
        for x in big {
            a = (a + UInt32(x)) % 65521
            b = (b + a) % 65521
        }
        #expect(PNGWriter.adler32(big) == b << 16 | a)
    }
}
