import Foundation
import Testing

@testable import ESCPOS

/// Vietnamese through user-defined characters (`ESC &` / `ESC %`) on printers with no
/// Vietnamese code page: read back by the interpreter letter by letter, and dot for dot against
/// the raster-only rendering of the same text.
@Suite struct UserDefinedCharacterTests {
    /// Every shipped profile.
    static let profiles = TestSupport.shippedProfileNames

    /// All 134 letters, in lines of every style a receipt uses, font B too.
    static let allLettersReceipt: ReceiptDocument = {
        var d = ReceiptDocument()
        let letters = TestSupport.vietnameseLetters
        let styles = [
            TextStyle.plain, TextStyle(bold: true), TextStyle(font: .b), TextStyle(underline: true, alignment: .center),
            TextStyle(bold: true, doubleWidth: true, doubleHeight: true),
        ]
        var k = 0
        var line = 0
        while k < letters.count {
            let style = styles[line % styles.count]
            let n = style.doubleWidth ? 6 : 10
            let chunk = letters[k..<min(k + n, letters.count)]
            // Letters alone, in words with ASCII, and separated by spaces.
            d.text("\(line): " + chunk.map(String.init).joined(separator: line % 2 == 0 ? " " : "a"), style)
            k += n
            line += 1
        }
        d.elements.append(.cut)
        return d
    }()

    @Test(arguments: profiles)
    func sampleReceiptMatchesRasterLetterByLetter(profileName: String) throws {
        try compareWithRaster(TestSupport.sampleReceipt, profile: TestSupport.profile(profileName))
    }

    @Test(arguments: profiles)
    func allVietnameseLettersMatchRasterLetterByLetter(profileName: String) throws {
        let checked = try compareWithRaster(Self.allLettersReceipt, profile: TestSupport.profile(profileName))
        if TestSupport.profile(profileName).codePages.count == 1 {
            #expect(checked.userDefined >= TestSupport.vietnameseLetters.count, "every letter went as ESC &")
        }
    }

    /// With only nine codes to define, letters are redefined line after line and still print right.
    @Test func fewCodesAreRedefinedAndStillRight() throws {
        var profile = TestSupport.profile("generic-80mm")
        profile.userDefinedCodes = 65...73
        let checked = try compareWithRaster(Self.allLettersReceipt, profile: profile)
        #expect(checked.userDefined > 0)
        let bytes = ESCPOSEncoder.encode(Self.allLettersReceipt, profile: profile)
        #expect(bytes.contains(0x26), "ESC & sent")
    }

    /// The bytes the encoder sent before user-defined characters and raster scaling (code pages
    /// or raster line by line, QR at full size) against its choice now: at most 30 %.
    @Test(arguments: ["generic-58mm", "generic-80mm"])
    func sampleReceiptTakesAtMostThirtyPercentOfTodaysBytes(profileName: String) {
        let profile = TestSupport.profile(profileName)
        let chosen = ESCPOSEncoder.encode(TestSupport.sampleReceipt, profile: profile)
        var previous = profile
        previous.rasterScaling = false
        let before = ESCPOSEncoder.encode(
            TestSupport.sampleReceipt, profile: previous, textRendering: .codePagesOrRaster)
        print("UDC-BYTES \(profileName): chosen \(chosen.count), code pages or raster \(before.count)")
        #expect(chosen.count * 10 <= before.count * 3)
    }

    /// A profile without `[UserDefinedCharacters]` never gets `ESC &` or `ESC %`.
    @Test func profileWithoutUserDefinedCharactersRasters() {
        var profile = TestSupport.profile("generic-80mm")
        profile.userDefinedCells = [:]
        let bytes = ESCPOSEncoder.encode(TestSupport.sampleReceipt, profile: profile)
        #expect(
            bytes
                == ESCPOSEncoder.encode(TestSupport.sampleReceipt, profile: profile, textRendering: .codePagesOrRaster))
        let r = ESCPOSInterpreter.interpret(bytes, profile: profile)
        #expect(r.elements.contains { if case .raster = $0 { true } else { false } })
    }

    /// The interpreter draws a downloaded cell as sent and keeps resident text for codes not defined.
    @Test func interpreterRendersDownloadedCells() {
        // One character, code 0x41 ('A'): 2 columns of 3 bytes, a bar down column 0 and a dot at (1, 23).
        let stream: [UInt8] =
            [0x1B, 0x40, 0x1B, 0x26, 3, 0x41, 0x41, 2, 0xFF, 0xFF, 0xFF, 0, 0, 0x01]
            + [0x1B, 0x25, 1, 0x41, 0x42, 0x1B, 0x25, 0, 0x41, 0x0A]
        let r = ESCPOSInterpreter.interpret(stream)
        #expect(r.notes.isEmpty)
        guard case .text(let line) = r.elements.first else {
            Issue.record("no text line: \(r.elements)")
            return
        }
        #expect(line.runs.count == 2)
        #expect(line.runs[0].userDefinedGlyphs.count == 1)
        #expect(line.text == "\u{FFFD}BA", "an unknown shape reads U+FFFD; B is not defined and prints resident")
        let cell = line.runs[0].userDefinedGlyphs[0]
        #expect(cell.width == 12 && cell.height == 24)
        #expect((0..<24).allSatisfy { cell[0, $0] } && cell[1, 23] && !cell[1, 22] && !cell[2, 0])
        // ESC @ forgets the definitions.
        let after = ESCPOSInterpreter.interpret(stream + [0x1B, 0x40, 0x1B, 0x25, 1, 0x41, 0x0A])
        #expect(after.textLines.last == "A")
    }

    @Test func cellSizeParsesAndRejects() throws {
        #expect(UserDefinedCell("12x24") == UserDefinedCell(width: 12, height: 24))
        #expect(UserDefinedCell("12*24") == nil && UserDefinedCell("0x24") == nil && UserDefinedCell("12x4") == nil)
        let base = "[Printer]\nPaperWidthDots=576\nColumnsFontA=48\nColumnsFontB=64\n[UserDefinedCharacters]\n"
        #expect(throws: PrinterProfileError.self) { try PrinterProfile.parse(base + "CellFontA=12by24\n", name: "t") }
        #expect(throws: PrinterProfileError.self) { try PrinterProfile.parse(base + "Codes=20-130\n", name: "t") }
        let p = try PrinterProfile.parse(base + "CellFontB=9x17\nCodes=48-90\n", name: "t")
        #expect(p.userDefinedCells == [.b: UserDefinedCell(width: 9, height: 17)] && p.userDefinedCodes == 48...90)
    }

    // MARK: Letter-by-letter comparison

    struct Checked {
        var letters = 0
        var userDefined = 0
    }

    /// Walks the document's text lines through both renderings: every character of a text line
    /// must read back as itself; every user-defined cell must show, at the glyph's place in the
    /// cell, exactly the dots the raster-only line has for that letter.
    @discardableResult
    func compareWithRaster(_ document: ReceiptDocument, profile: PrinterProfile) throws -> Checked {
        let face = try #require(UnifontFace.system, "the unifont package is needed")
        let chosen = ESCPOSInterpreter.interpret(ESCPOSEncoder.encode(document, profile: profile), profile: profile)
        let raster = ESCPOSInterpreter.interpret(
            ESCPOSEncoder.encode(document, profile: profile, textRendering: .rasterOnly), profile: profile)
        #expect(chosen.notes.isEmpty, "\(chosen.notes)")
        let printed = { (r: RenderedReceipt) in
            r.elements.filter {
                switch $0 {
                case .feed, .statusRequest, .beep: false
                default: true
                }
            }
        }
        var a = printed(chosen)[...]
        var b = printed(raster)[...]
        var checked = Checked()
        let renderer = RasterTextRenderer(face: face)
        for element in document.elements {
            guard case .text(let text, let style) = element else {
                a = a.dropFirst()
                b = b.dropFirst()
                continue
            }
            let expected = Array(PrintableText.sanitize(text))
            guard case .raster(let rasterLine, _) = b.first else {
                Issue.record("raster-only rendering has no image for '\(text)'")
                return checked
            }
            b = b.dropFirst()
            if case .raster(let image, _) = a.first {
                #expect(image == rasterLine, "a line sent as raster is the raster line")
                a = a.dropFirst()
                continue
            }
            // The printer may wrap a long line: collect text lines until all characters are in.
            var runs: [RenderedReceipt.Run] = []
            var count = 0
            while count < expected.count, case .text(let line) = a.first {
                runs += line.runs
                count += line.text.count
                a = a.dropFirst()
            }
            let got = runs.flatMap { run in
                Array(run.text).enumerated().map {
                    (char: $0.element, cell: run.userDefinedGlyphs.isEmpty ? nil : run.userDefinedGlyphs[$0.offset])
                }
            }
            #expect(got.map(\.char) == expected, "'\(text)' on \(profile.name)")
            guard got.count == expected.count else { continue }
            // Where each letter sits in the raster line (the renderer's own layout).
            var x = 0
            var band = 0
            for (k, ch) in expected.enumerated() {
                let glyph = renderer.glyphBitmap(for: ch)
                let dots = RasterTextRenderer.styled(glyph, style)
                if x > 0 && x + dots.width > profile.paperWidthDots {
                    band += 1
                    x = 0
                }
                defer { x += dots.width }
                checked.letters += 1
                guard let cell = got[k].cell else { continue }
                checked.userDefined += 1
                let size = try #require(profile.userDefinedCells[style.font])
                let origin = try #require(size.glyphOrigin(glyphWidth: glyph.width))
                let sent = RasterTextRenderer.styled(cell, style)
                let (sx, sy) = (style.doubleWidth ? 2 : 1, style.doubleHeight ? 2 : 1)
                let bandTop = band * UnifontFace.height * sy
                var same = true
                // The raster line draws underline into the glyph's last row; the printer draws it under the cell.
                for yy in 0..<(dots.height - (style.underline ? sy : 0)) {
                    for xx in 0..<dots.width
                    where sent[origin.x * sx + xx, origin.y * sy + yy] != rasterLine[x + xx, bandTop + yy] {
                        same = false
                    }
                }
                #expect(same, "'\(ch)' in '\(text)' on \(profile.name): downloaded dots differ from the raster line")
            }
        }
        return checked
    }
}
