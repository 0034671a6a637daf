/// Which user-defined character codes hold which letters on the printer, for one font, as the
/// encoder has downloaded them since the last `ESC @`.
///
/// Codes come from the range the profile allows. When all are taken, the code used longest
/// ago is redefined: lines already printed keep their dots, so only the current line's letters
/// must stay put.
struct UserDefinedCharacterSet: Sendable {
    /// Usable codes.
    let codes: ClosedRange<UInt8>
    /// Letter held by each defined code.
    private(set) var letters: [UInt8: Character] = [:]
    /// Code of each defined letter.
    private(set) var codesByLetter: [Character: UInt8] = [:]
    private var lastUse: [UInt8: Int] = [:]
    private var clock = 0

    init(codes: ClosedRange<UInt8>) {
        self.codes = codes
    }

    /// Codes for every letter of `needed`: the ones already defined, and free or least recently
    /// used codes (not holding a letter of `needed`) for the others. Nil when the range is too
    /// small for the line.
    func assignment(for needed: [Character]) -> [Character: UInt8]? {
        var result: [Character: UInt8] = [:]
        var missing: [Character] = []
        for ch in needed where result[ch] == nil {
            if let code = codesByLetter[ch] { result[ch] = code } else if !missing.contains(ch) { missing.append(ch) }
        }
        guard !missing.isEmpty else { return result }
        let kept = Set(result.values)
        let free = codes.filter { letters[$0] == nil }
        let reusable = codes.filter { letters[$0] != nil && !kept.contains($0) }.sorted {
            (lastUse[$0] ?? 0) < (lastUse[$1] ?? 0)
        }
        let available = free + reusable
        guard available.count >= missing.count else { return nil }
        for (ch, code) in zip(missing, available) { result[ch] = code }
        return result
    }

    /// Records that `code` now holds `letter` (after its `ESC &` was sent).
    mutating func define(_ letter: Character, at code: UInt8) {
        if let old = letters[code] { codesByLetter[old] = nil }
        if let oldCode = codesByLetter[letter] { letters[oldCode] = nil }
        letters[code] = letter
        codesByLetter[letter] = code
    }

    /// Records that `codes` printed on the current line.
    mutating func markUsed(_ used: some Sequence<UInt8>) {
        clock += 1
        for code in used { lastUse[code] = clock }
    }
}
