/// Names the letter a downloaded user-defined character shows, by comparing its dots with the
/// Unifont glyphs of Vietnamese letters and ASCII fitted to the same cell.
///
/// The interpreter uses it so a receipt printed through `ESC &` reads back as text in tests,
/// transcripts and `kioskctl render`; the dots themselves are kept and drawn as sent. A cell
/// that matches no glyph exactly reads as U+FFFD.
struct UserDefinedGlyphRecognizer {
    private let face: UnifontFace?
    private var letters: [UserDefinedCell: [[UInt8]: Character]] = [:]

    init(face: UnifontFace?) {
        self.face = face
    }

    /// Characters a receipt may download: printable ASCII, the Vietnamese letters of Latin
    /// Extended (ă đ ĩ ũ ơ ư and capitals) and of the block U+1EA0–U+1EF9, then the rest of
    /// Latin-1 and Latin Extended. Where two letters have the same glyph (Đ U+0110 and Ð U+00D0
    /// in Unifont) the earlier, Vietnamese one is named.
    static let candidates: [Character] = {
        let vietnamese: [UInt32] = [0x102, 0x103, 0x110, 0x111, 0x128, 0x129, 0x168, 0x169, 0x1A0, 0x1A1, 0x1AF, 0x1B0]
        let ranges: [[UInt32]] = [Array(0x20...0x7E), vietnamese, Array(0x1EA0...0x1EF9), Array(0xC0...0x1B0)]
        return ranges.joined().compactMap { Unicode.Scalar($0).map { Character($0) } }
    }()

    /// The letter `cell` shows, or U+FFFD.
    mutating func letter(for cell: MonochromeBitmap, size: UserDefinedCell) -> Character {
        if letters[size] == nil {
            var table: [[UInt8]: Character] = [:]
            let renderer = RasterTextRenderer(face: face)
            if face != nil {
                for ch in Self.candidates {
                    guard let fitted = size.fit(renderer.glyphBitmap(for: ch)) else { continue }
                    if table[fitted.bytes] == nil { table[fitted.bytes] = ch }
                }
            }
            letters[size] = table
        }
        return letters[size]?[cell.bytes] ?? "\u{FFFD}"
    }
}
