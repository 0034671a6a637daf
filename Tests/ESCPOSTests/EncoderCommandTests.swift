import Testing

@testable import ESCPOS

@Suite struct EncoderCommandTests {
    let epson = TestSupport.profile("epson-tm-t20iii")

    func bytes(_ profile: PrinterProfile? = nil, _ build: (inout ESCPOSEncoder) -> Void) -> [UInt8] {
        var e = ESCPOSEncoder(profile: profile ?? epson)
        build(&e)
        return e.bytes
    }

    @Test func styleCommands() {
        #expect(bytes { $0.initialize() } == [0x1B, 0x40])
        #expect(
            bytes {
                $0.bold(true); $0.bold(true); $0.bold(false)
            } == [0x1B, 0x45, 1, 0x1B, 0x45, 0])
        #expect(bytes { $0.underline(true) } == [0x1B, 0x2D, 1])
        #expect(bytes { $0.size(doubleWidth: true, doubleHeight: true) } == [0x1D, 0x21, 0x11])
        #expect(bytes { $0.size(doubleWidth: false, doubleHeight: true) } == [0x1D, 0x21, 0x01])
        #expect(
            bytes {
                $0.align(.center); $0.align(.right)
            } == [0x1B, 0x61, 1, 0x1B, 0x61, 2])
        #expect(bytes { $0.font(.b) } == [0x1B, 0x4D, 1])
        #expect(bytes { $0.selectCodePage(number: 30) } == [0x1B, 0x74, 30])
    }

    @Test func paperCommands() {
        #expect(bytes { $0.feed(lines: 3) } == [0x1B, 0x64, 3])
        #expect(bytes { $0.cut(.partial, feed: 3) } == [0x1D, 0x56, 66, 72])
        #expect(bytes { $0.cut(.full) } == [0x1D, 0x56, 65, 0])
        // No cutter: a tear-off feed instead.
        #expect(bytes(TestSupport.profile("generic-58mm")) { $0.cut(.partial, feed: 2) } == [0x1B, 0x64, 4])
        // Buzzer only where the profile has one.
        #expect(bytes { $0.beep(times: 2, duration: 3) } == [])
        #expect(bytes(TestSupport.profile("rongta-rp326")) { $0.beep(times: 2, duration: 3) } == [0x1B, 0x42, 2, 3])
    }

    @Test func code128UsesCodeSetCForDigitRuns() {
        let b = bytes { $0.code128("YBVY01-261121-0007-K", height: 80, moduleWidth: 2) }
        let data: [UInt8] =
            Array("{BYBVY01-".utf8) + [0x7B, 0x43, 26, 11, 21] + Array("{B-".utf8) + [0x7B, 0x43, 0, 7]
            + Array("{B-K".utf8)
        #expect(b == [0x1D, 0x48, 2, 0x1D, 0x68, 80, 0x1D, 0x77, 2, 0x1D, 0x6B, 73, UInt8(data.count)] + data)
        // An odd run keeps its first digit in code set B; '{' is doubled.
        #expect(Code128.escposData(for: "A12345") == Array("{BA1".utf8) + [0x7B, 0x43, 23, 45])
        #expect(Code128.escposData(for: "a{b") == Array("{Ba{{b".utf8))
        #expect(
            Code128.symbol(fromESCPOSData: Code128.escposData(for: "YBVY01-261121-0007-K")!)?.text
                == "YBVY01-261121-0007-K")
    }

    @Test func nativeQR() {
        let b = bytes { $0.nativeQR(Array("AB".utf8), moduleSize: 6, errorCorrection: .medium) }
        #expect(
            b == [
                0x1D, 0x28, 0x6B, 4, 0, 0x31, 0x41, 0x32, 0, 0x1D, 0x28, 0x6B, 3, 0, 0x31, 0x43, 6, 0x1D, 0x28, 0x6B, 3,
                0, 0x31, 0x45, 49, 0x1D, 0x28, 0x6B, 5, 0, 0x31, 0x50, 0x30, 0x41, 0x42, 0x1D, 0x28, 0x6B, 3, 0, 0x31,
                0x51, 0x30,
            ])
    }

    @Test func rasterImage() {
        var img = MonochromeBitmap(width: 10, height: 2)
        img[0, 0] = true
        img[9, 1] = true
        #expect(bytes { $0.raster(img) } == [0x1D, 0x76, 0x30, 0, 2, 0, 2, 0, 0x80, 0x00, 0x00, 0x40])
    }

    @Test func asciiTextAndCodePageSwitching() {
        #expect(bytes { $0.text("Hello", style: .plain) } == Array("Hello\n".utf8))
        // TCVN-3 switches between pages 30 and 31 within the line.
        var tcvnOnly = epson
        tcvnOnly.codePages[.cp1258] = nil
        let b = bytes(tcvnOnly) { $0.text("Đà Nẵng ĐỨC", style: .plain) }
        #expect(
            b == [
                0x1B, 0x74, 31, 0xA7, 0x1B, 0x74, 30, 0xB5, 0x20, 0x4E, 0xBD, 0x6E, 0x67, 0x20, 0x1B, 0x74, 31, 0xA7,
                0xF8, 0x43, 0x0A,
            ])
    }

    @Test func controlCharactersCannotInjectCommands() {
        let name = "Nguy\u{1B}@n\u{1D}V\u{41}\u{10}\u{04}\u{01}ễn\u{9B}\u{200E}\u{7F}A\nB"
        // Where the text goes out as text, the only control bytes are the encoder's own ESC t n and LF.
        let b = bytes { $0.text(name, style: .plain) }
        #expect(!b.contains(0x10) && !b.contains(0x1D))
        for (k, byte) in b.enumerated() where byte == 0x1B { #expect(b[k + 1] == 0x74) }
        var withoutPageSelects: [UInt8] = []
        var k = 0
        while k < b.count {
            if b[k] == 0x1B { k += 3 } else { withoutPageSelects.append(b[k]); k += 1 }
        }
        #expect(withoutPageSelects.filter { $0 < 0x20 || $0 == 0x7F } == [0x0A, 0x0A])
        // Where a line goes out as raster, its bytes are inside a length-delimited GS v 0 block:
        // the interpreter sees only text and images, never a cut, a reset or a status request.
        for profile in ["generic-80mm", "rongta-rp326"] {
            let r = ESCPOSInterpreter.interpret(
                bytes(TestSupport.profile(profile)) { $0.text(name, style: .plain) },
                profile: TestSupport.profile(profile))
            #expect(
                r.elements.allSatisfy { e in
                    switch e {
                    case .text, .raster, .feed: true
                    default: false
                    }
                })
            #expect(r.notes.isEmpty)
        }
        let epsonText = bytes { $0.text(name, style: .plain) }
        #expect(ESCPOSInterpreter.interpret(epsonText).textLines == ["Nguy@nVAễnA", "B"])
        #expect(PrintableText.sanitize("a\u{1B}b\u{1D}c\u{10}d\u{FEFF}e\u{202E}f") == "abcdef")
    }
}
