import Testing

@testable import ESCPOS

/// The letters fitted to user-defined cells are kept per font face, and a receipt encoded with
/// them kept is byte for byte the receipt encoded without.
@Suite struct UserDefinedGlyphCacheTests {
    /// A face of its own (its own, empty cache), or nil where the `unifont` package is missing.
    func freshFace() -> UnifontFace? {
        try? UnifontFace(contentsOfFile: UnifontFace.debianPath)
    }

    @Test func receiptsAreTheSameFirstAndSecondTimeOnEveryProfile() throws {
        guard let face = freshFace() else { return }
        for name in TestSupport.shippedProfileNames {
            let profile = TestSupport.profile(name)
            let document = TestSupport.sampleReceipt
            let general = ESCPOSEncoder.encode(
                document, profile: profile, textRendering: .cheapest, useFastPath: false, face: face)
            let first = ESCPOSEncoder.encode(
                document, profile: profile, textRendering: .cheapest, useFastPath: true, face: face)
            let second = ESCPOSEncoder.encode(
                document, profile: profile, textRendering: .cheapest, useFastPath: true, face: face)
            #expect(first == general, "\(name): first receipt")
            #expect(second == general, "\(name): second receipt")
        }
        // The profiles without a Vietnamese page downloaded letters: they were fitted once.
        #expect(face.fittedCells.count.letters > 0)
        #expect(face.fittedCells.count.cellSizes <= UserDefinedGlyphCache.cellSizes)
    }

    @Test func aLetterIsFittedOnceAndGivesTheCellsDefinition() {
        let cache = UserDefinedGlyphCache()
        let cell = UserDefinedCell(width: 12, height: 24)
        var made = 0
        let make = { () -> [UInt8]? in
            made += 1
            return [3, 1, 2, 3]
        }
        #expect(cache.definition(of: 0x1EC7, in: cell, make: make) == [3, 1, 2, 3])
        #expect(cache.definition(of: 0x1EC7, in: cell, make: make) == [3, 1, 2, 3])
        #expect(made == 1)
        // Another cell size is another entry.
        #expect(cache.definition(of: 0x1EC7, in: UserDefinedCell(width: 9, height: 17), make: make) == [3, 1, 2, 3])
        #expect(made == 2)
        // A glyph that does not fit is remembered as such.
        #expect(cache.definition(of: 0x1EA0, in: cell, make: { nil }) == nil)
        #expect(cache.definition(of: 0x1EA0, in: cell, make: { [1, 0] }) == nil)
        #expect(cache.definitions(of: [0x1EC7, 0x1EA0], in: cell, make: { _ in [9] }) == nil)
        #expect(cache.definitions(of: [0x1EC7, 0x1EC9], in: cell, make: { _ in [9] }) == [[3, 1, 2, 3], [9]])
        #expect(cache.definitions(of: [], in: cell, make: { _ in nil }) == [])
        // Letters outside the tables are made every time, never kept.
        #expect(cache.definition(of: 0x4E00, in: cell, make: make) == [3, 1, 2, 3])
        #expect(cache.definition(of: 0x4E00, in: cell, make: make) == [3, 1, 2, 3])
        #expect(made == 4)
        #expect(cache.count.letters == 4)
    }

    @Test func theCacheKeepsAtMostFourCellSizes() {
        let cache = UserDefinedGlyphCache()
        let scalars = Array(UInt32(0x1E00)...UInt32(0x1EFF)) + Array(UInt32(0x20)..<UInt32(0x7F))
        for width in 8...14 {
            let cell = UserDefinedCell(width: width, height: 24)
            for scalar in scalars {
                #expect(cache.definition(of: scalar, in: cell, make: { [UInt8(width), UInt8(scalar & 0xFF)] }) != nil)
            }
            #expect(cache.count.cellSizes <= UserDefinedGlyphCache.cellSizes)
            #expect(cache.count.letters <= UserDefinedGlyphCache.cellSizes * PageEncodingTable.indexCount)
        }
        // The first sizes were dropped; a dropped size's letter is made again, the same way.
        #expect(
            cache.definition(of: 0x1EC7, in: UserDefinedCell(width: 8, height: 24), make: { [8, 0xC7] }) == [8, 0xC7])
        #expect(cache.definition(of: 0x1EC7, in: UserDefinedCell(width: 14, height: 24), make: { nil }) == [14, 0xC7])
    }

    /// The set found by scalar gives the codes the set found by letter gives, as letters are
    /// defined (either way), used and redefined: lines of 1 to 6 letters of 21 over 6 codes.
    @Test func codesByScalarMatchCodesByLetter() {
        var set = UserDefinedCharacterSet(codes: 65...70)
        let letters = Array(TestSupport.vietnameseLetters.prefix(20)) + [" "]
        for step in 0..<300 {
            var needed: [Character] = []
            for k in 0..<(1 + step % 6) where !needed.contains(letters[(step * 7 + k * 5) % letters.count]) {
                needed.append(letters[(step * 7 + k * 5) % letters.count])
            }
            let byLetter = set.assignment(for: needed)
            let byScalar = set.assignment(forScalars: needed.map { $0.unicodeScalars.first!.value })
            #expect(byLetter.map { codes in needed.map { codes[$0]! } } == byScalar, "step \(step)")
            guard let byScalar else { continue }
            for (k, (letter, code)) in zip(needed, byScalar).enumerated() where set.code(of: letter) != code {
                if (step + k) % 2 == 0 {
                    set.define(letter, at: code)
                } else {
                    set.define(scalar: letter.unicodeScalars.first!.value, at: code)
                }
            }
            set.markUsed(byScalar.prefix(step % (byScalar.count + 1)))
            for letter in letters {
                #expect(set.code(of: letter) == set.code(ofScalar: letter.unicodeScalars.first!.value))
            }
        }
    }
}
