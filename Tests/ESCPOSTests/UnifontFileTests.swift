import Foundation
import Testing

@testable import ESCPOS

/// The lazily read Unifont file finds exactly the glyphs a full parse of the file finds.
@Suite struct UnifontFileTests {
    @Test func findsWhatAFullParseFinds() throws {
        let bytes = try #require(FileManager.default.contents(atPath: UnifontFace.debianPath), "unifont needed")
        let whole = UnifontFace(hexData: [UInt8](bytes))
        let lazy = try UnifontFace(contentsOfFile: UnifontFace.debianPath)
        // Every Vietnamese letter and ASCII, the first and last glyphs, a stride through the
        // plane, and code points the font lacks.
        var codes: [UInt32] = TestSupport.vietnameseLetters.map { $0.unicodeScalars.first!.value }
        codes +=
            Array(0...0x17F) + Array(stride(from: 0x180, through: 0xFFFF, by: 97)) + [0xFFFE, 0xFFFF, 0x10000, 0x1F600]
        for code in codes {
            guard let scalar = Unicode.Scalar(code) else { continue }
            #expect(lazy.glyph(for: scalar) == whole.glyph(for: scalar), "U+\(String(code, radix: 16))")
        }
        #expect(whole.glyph(for: "ệ") != nil)
    }

    @Test func smallFileEdges() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("unifont-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let a = "0041:0000000018242442427E424242420000"
        let wide = "4E00:" + String(repeating: "0", count: 60) + "FFFF"
        // CRLF line ends, a malformed line, and no newline after the last line.
        let text = "0020:00000000000000000000000000000000\r\n" + a + "\nzzzz\n" + wide
        let path = directory.appendingPathComponent("small.hex").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let lazy = try UnifontFace(contentsOfFile: path)
        let whole = UnifontFace(hexData: Array(text.utf8))
        for code: UInt32 in [0x20, 0x41, 0x42, 0x4E00, 0x10, 0xFFFF] {
            let scalar = Unicode.Scalar(code)!
            #expect(lazy.glyph(for: scalar) == whole.glyph(for: scalar), "U+\(String(code, radix: 16))")
        }
        #expect(lazy.glyph(for: "A")?.width == 8)
        #expect(lazy.glyph(for: "\u{4E00}")?.width == 16)
        #expect(lazy.count == 3 && whole.count == 3)
        #expect(throws: UnifontError.self) { try UnifontFace(contentsOfFile: directory.path + "/missing.hex") }
    }
}
