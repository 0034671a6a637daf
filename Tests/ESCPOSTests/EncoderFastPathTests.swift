import Foundation
import Testing

@testable import ESCPOS

/// The encoder's fast paths (printable ASCII, the per-page tables, skipping the NFC pass for
/// text already in NFC) give byte for byte what the general path gives.
@Suite struct EncoderFastPathTests {
    let letters = TestSupport.vietnameseLetters
    let ascii = String(String.UnicodeScalarView((0x20..<0x7F).map { Unicode.Scalar(UInt8($0)) }))

    /// Every shipped profile, and variants that take the other branches: CP1258 composing
    /// marks or not, no user-defined characters (raster), TCVN-3 alone, few user-defined codes.
    var profiles: [PrinterProfile] {
        TestSupport.shippedProfileNames.flatMap { name -> [PrinterProfile] in
            let p = TestSupport.profile(name)
            var composing = p
            composing.codePages[.cp1258] = composing.codePages[.cp1258] ?? 52
            composing.cp1258ComposesMarks.toggle()
            var noUserDefined = p
            noUserDefined.userDefinedCells = [:]
            var tcvn3Only = p
            tcvn3Only.codePages[.cp1258] = nil
            // Few codes: letters are redefined, the least recently used first.
            var fewCodes = p
            fewCodes.userDefinedCodes = 65...72
            return [p, composing, noUserDefined, tcvn3Only, fewCodes]
        }
    }

    /// Lines over all 134 letters and ASCII: each letter alone and between ASCII, capitals and
    /// lower case in one word, all letters in one line, ASCII alone, and letters typed
    /// decomposed (NFD) as some keyboards send them.
    var lines: [String] {
        var lines = letters.map { String($0) } + letters.map { "a" + String($0) + "Z 1" }
        lines += [String(letters), ascii, "", "Nguyễn THỊ hồng NHUNG", "ĐỒNG TÂM đồng tâm", "a\tb"]
        lines += letters.map { String($0).decomposedStringWithCanonicalMapping + "x" }
        return lines
    }

    @Test func plannerTablesMatchTheGeneralPlanner() {
        for profile in profiles {
            let fast = LineEncodingPlanner(profile: profile, useFastPath: true)
            let general = LineEncodingPlanner(profile: profile, useFastPath: false)
            let someLetters = Dictionary(
                uniqueKeysWithValues: letters.prefix(40).enumerated().map { ($1, UInt8(33 + $0)) })
            for start in [nil] + fast.pages {
                for (userDefined, on) in [([:], false), (someLetters, false), (someLetters, true)] {
                    for line in lines {
                        let text = PrintableText.sanitize(line)
                        #expect(
                            fast.plan(text, startingPage: start, userDefined: userDefined, userDefinedOn: on)
                                == general.plan(text, startingPage: start, userDefined: userDefined, userDefinedOn: on),
                            "\(profile.name) from \(start?.description ?? "unknown page"): \(line)")
                    }
                }
            }
        }
    }

    @Test func encodedBytesMatchTheGeneralPath() {
        for profile in profiles {
            var document = ReceiptDocument()
            for (k, line) in lines.enumerated() {
                let style = TextStyle(
                    bold: k % 3 == 0, doubleWidth: k % 5 == 0, alignment: k % 2 == 0 ? .left : .center)
                document.text(line, style)
            }
            document.elements.append(.cut)
            for rendering in [ESCPOSEncoder.TextRendering.cheapest, .codePagesOrRaster] {
                let fast = ESCPOSEncoder.encode(document, profile: profile, textRendering: rendering, useFastPath: true)
                let general = ESCPOSEncoder.encode(
                    document, profile: profile, textRendering: rendering, useFastPath: false)
                #expect(fast == general, "\(profile.name) \(rendering)")
            }
        }
    }

    @Test func sanitizeSkipsOnlyWhatIsAlreadyNFC() {
        let samples =
            lines + ["tab\there", "esc\u{1B}@", "bidi\u{202E}x", "soft\u{AD}hyphen", "ohm \u{2126}", "a\u{301}"]
        for text in samples {
            #expect(
                Array(PrintableText.sanitize(text, fastPath: true).unicodeScalars)
                    == Array(PrintableText.sanitize(text, fastPath: false).unicodeScalars), "\(text.debugDescription)")
        }
        // Each scalar up to the end of the Vietnamese block, alone and after a letter.
        for value in UInt32(0)...0x1EFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            for text in [String(scalar), "a" + String(scalar)] {
                #expect(
                    Array(PrintableText.sanitize(text, fastPath: true).unicodeScalars)
                        == Array(PrintableText.sanitize(text, fastPath: false).unicodeScalars), "U+\(value)")
            }
        }
        // Every scalar the quick check passes is its own NFC form.
        let checked = (0..<0x3_0000).compactMap { PrintableText.isNFCStarter($0) ? Unicode.Scalar($0) : nil }
        #expect(checked.count > 1000)
        for scalar in checked {
            let text = String(scalar)
            #expect(Array(text.precomposedStringWithCanonicalMapping.unicodeScalars) == [scalar], "\(scalar.value)")
        }
    }
}
