import ESCPOS
import Foundation
import Testing

/// The standard library's NFC and NFD (what ESCPOS, KioskConfig and KioskReceipts use, so
/// kioskd needs no Foundation) against Foundation's, which they replaced.
@Suite struct CanonicalMappingTests {
    /// Scalars, not `String`s: `==` on strings is canonical equivalence, true for NFC and NFD.
    func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    @Test func agreesWithFoundationOnEveryScalarUpToU2FFF() {
        var composedMismatches: [UInt32] = []
        var decomposedMismatches: [UInt32] = []
        for value in UInt32(0)...0x2FFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "a" + String(Character(scalar))
            if scalars(text.canonicallyComposed) != scalars(text.precomposedStringWithCanonicalMapping) {
                composedMismatches.append(value)
            }
            if scalars(text.canonicallyDecomposed) != scalars(text.decomposedStringWithCanonicalMapping) {
                decomposedMismatches.append(value)
            }
        }
        #expect(composedMismatches.isEmpty, "\(composedMismatches.prefix(10))")
        #expect(decomposedMismatches.isEmpty, "\(decomposedMismatches.prefix(10))")
    }

    @Test func composesDecomposedVietnameseAndDecomposesItBack() {
        let decomposed =
            "Vie\u{0323}\u{0302}t Nam, Tha\u{0300}nh pho\u{0302}\u{0301} Ho\u{0302}\u{0300} Chi\u{0301} Minh"
        let composed = "Việt Nam, Thành phố Hồ Chí Minh"
        #expect(Array(decomposed.canonicallyComposed.unicodeScalars) == Array(composed.unicodeScalars))
        #expect(Array(composed.canonicallyDecomposed.unicodeScalars) == Array(decomposed.unicodeScalars))
        #expect(scalars(composed.canonicallyDecomposed) == scalars(decomposed.decomposedStringWithCanonicalMapping))
        // Marks in another order (dot below after the circumflex) compose the same way.
        #expect(Array("e\u{0302}\u{0323}".canonicallyComposed.unicodeScalars) == ["\u{1EC7}"])
        #expect("".canonicallyComposed.isEmpty)
    }
}
