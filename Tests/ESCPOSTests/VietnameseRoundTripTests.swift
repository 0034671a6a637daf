import Testing

@testable import ESCPOS

/// Every Vietnamese letter goes out through each strategy and comes back through the interpreter
/// as the same letter (or, for raster, as exactly its Unifont glyph).
@Suite struct VietnameseRoundTripTests {
    let letters = TestSupport.vietnameseLetters

    func roundTrip(_ profile: PrinterProfile) -> (bytes: [UInt8], receipt: RenderedReceipt) {
        var e = ESCPOSEncoder(profile: profile)
        e.initialize()
        for ch in letters { e.text("a" + String(ch) + "Z") }
        return (e.bytes, ESCPOSInterpreter.interpret(e.bytes, profile: profile))
    }

    @Test func letterCount() {
        #expect(letters.count == 134)
        #expect(Set(letters).count == 134)
        #expect(letters.allSatisfy { $0.unicodeScalars.count == 1 })
    }

    @Test func tcvn3() {
        var profile = TestSupport.profile("epson-tm-t20iii")
        profile.codePages[.cp1258] = nil
        let (_, r) = roundTrip(profile)
        #expect(r.textLines == letters.map { "a" + String($0) + "Z" })
        #expect(r.notes.isEmpty)
        // Lower case on page 30, capitals on 31; letters CP437 has (à, é…) stay on page 0.
        for case .text(let line) in r.elements {
            let letterRun = line.runs.first { $0.text.unicodeScalars.contains { $0.value > 0x7F } }!
            let isUpper = letterRun.text.uppercased() == letterRun.text
            let inCP437 = CodePage.cp437.encode(letterRun.text.unicodeScalars.first!) != nil
            let expected: Set<UInt8> = inCP437 ? [0, isUpper ? 31 : 30] : [isUpper ? 31 : 30]
            #expect(expected.contains(letterRun.codePage), "\(letterRun.text)")
        }
    }

    @Test func cp1258WithCombiningMarks() {
        var profile = TestSupport.profile("epson-tm-t20iii")
        profile.codePages[.tcvn3Lower] = nil
        profile.codePages[.tcvn3Upper] = nil
        let (bytes, r) = roundTrip(profile)
        #expect(r.textLines == letters.map { "a" + String($0) + "Z" })
        #expect(!r.elements.contains { if case .raster = $0 { true } else { false } })
        // ế is not precomposed in CP1258: ê (0xEA) then the combining acute (0xEC).
        #expect(bytes.count > 0)
        var e = ESCPOSEncoder(profile: profile)
        e.text("ế")
        #expect(e.bytes == [0x1B, 0x74, 52, 0xEA, 0xEC, 0x0A])
    }

    @Test func rasterWhereNoPageFits() throws {
        let face = try #require(UnifontFace.system, "the Debian package 'unifont' must be installed")
        var profile = TestSupport.profile("generic-80mm")
        profile.userDefinedCells = [:]  // the raster path (user-defined characters: UserDefinedCharacterTests)
        let (_, r) = roundTrip(profile)
        let rasters: [MonochromeBitmap] = r.elements.compactMap {
            if case .raster(let b, _) = $0 { b } else { nil }
        }
        // The few letters CP437 has (à á â è é ê ì í ò ó ô ù ú É) print as text on page 0.
        let inCP437 = letters.filter { CodePage.cp437.encode($0.unicodeScalars.first!) != nil }
        #expect(r.textLines == inCP437.map { "a" + String($0) + "Z" })
        let rastered = letters.filter { CodePage.cp437.encode($0.unicodeScalars.first!) == nil }
        #expect(rasters.count == rastered.count && rastered.count == 120)
        for (ch, bitmap) in zip(rastered, rasters) {
            let glyph = try #require(face.glyph(for: ch.unicodeScalars.first!), "Unifont lacks \(ch)")
            #expect(glyph != UnifontFace.placeholder)
            // "a", the letter, "Z": 8 dots each; the letter is the second cell.
            #expect(bitmap.width == 24 && bitmap.height == 16)
            var same = true
            for y in 0..<16 {
                for x in 0..<8 where bitmap[8 + x, y] != glyph.isSet(x: x, y: y) { same = false }
            }
            #expect(same, "raster of \(ch) differs from its glyph")
        }
    }

    @Test func doubleSizeRasterScalesGlyphs() throws {
        let face = try #require(UnifontFace.system)
        var e = ESCPOSEncoder(profile: TestSupport.profile("generic-58mm"), textRendering: .codePagesOrRaster)
        e.text("Ữ", style: TextStyle(doubleWidth: true, doubleHeight: true))
        let r = ESCPOSInterpreter.interpret(e.bytes)
        guard case .raster(let b, _) = r.elements.first else {
            Issue.record("no raster")
            return
        }
        let g = face.glyph(for: "Ữ")!
        #expect(b.width == 16 && b.height == 32)
        for y in 0..<32 { for x in 0..<16 { #expect(b[x, y] == g.isSet(x: x / 2, y: y / 2)) } }
    }

    @Test func precomposedOnlyCP1258MixesTextAndRaster() {
        var profile = TestSupport.profile("rongta-rp326")
        profile.userDefinedCells = [:]
        let (_, r) = roundTrip(profile)
        var text = 0
        var raster = 0
        let printed = r.elements.filter { if case .feed = $0 { false } else { true } }
        for (ch, e) in zip(letters, printed) {
            switch e {
            case .text(let l):
                text += 1
                #expect(l.text == "a" + String(ch) + "Z")
            case .raster: raster += 1
            default: Issue.record("unexpected \(e)")
            }
        }
        #expect(text + raster == letters.count)
        // CP1258 precomposes à á â ã è é ê ì í ò ó ô õ ù ú ý ă đ ơ ư and capitals, roughly a third.
        #expect(text > 20 && raster > 60)
        #expect(!r.textLines.contains { $0.contains("?") || $0.contains("\u{FFFD}") })
    }

    @Test func missingGlyphIsABoxNotAQuestionMark() {
        let renderer = RasterTextRenderer(
            face: UnifontFace(hexData: Array("0041:0000000018242442427E424242420000\n".utf8)))
        let b = renderer.render("Aễ", style: .plain, maxWidth: 576)
        var box = MonochromeBitmap(width: 8, height: 16)
        box.draw(RasterTextRenderer.bitmap(of: UnifontFace.placeholder), x: 0, y: 0)
        var cell = MonochromeBitmap(width: 8, height: 16)
        for y in 0..<16 { for x in 0..<8 { cell[x, y] = b[8 + x, y] } }
        #expect(cell == box)
    }
}
