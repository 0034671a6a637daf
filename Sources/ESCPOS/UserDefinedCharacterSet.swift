/// Which user-defined character codes hold which letters on the printer, for one font, as the
/// encoder has downloaded them since the last `ESC @`.
///
/// Codes come from the range the profile allows. When all are taken, the code used longest
/// ago is redefined: lines already printed keep their dots, so only the current line's letters
/// must stay put.
///
/// Kept in flat arrays indexed by code (at most 256), each letter of one scalar as that
/// scalar, so the encoder's fast path finds a letter's code without hashing or comparing
/// `Character`s (both normalise) and a copy of the set copies plain integers.
struct UserDefinedCharacterSet: Sendable {
    /// Usable codes.
    let codes: ClosedRange<UInt8>
    /// The scalar of the letter each code holds (index: the code); `none` where it holds
    /// none, `several` where the letter is several scalars (then it is in `otherLetters`).
    private var scalars = [UInt32](repeating: Self.none, count: 256)
    /// Letters of several scalars, by code (rare: text is in NFC).
    private var otherLetters: [UInt8: Character] = [:]
    /// The code + 1 holding each scalar a `PageEncodingTable` can hold, by its index there (0:
    /// none): the letters receipts download, found without a search (1.7 KB).
    private var tabledCodes = [UInt16](repeating: 0, count: PageEncodingTable.indexCount)
    /// When each code last printed (`clock` of `markUsed`); 0: never.
    private var lastUse = [UInt32](repeating: 0, count: 256)
    private var clock: UInt32 = 0
    /// Codes ever defined lie in `lowest..<end` (searches look there only).
    private var lowest = 256
    private var end = 0

    private static let none = UInt32.max
    private static let several = UInt32.max - 1

    init(codes: ClosedRange<UInt8>) {
        self.codes = codes
    }

    /// The code holding `letter`, if one does.
    func code(of letter: Character) -> UInt8? {
        let s = letter.unicodeScalars
        if s.count == 1, let only = s.first { return code(ofScalar: only.value) }
        return otherLetters.first { $0.value == letter }?.key
    }

    /// The code holding the one-scalar letter `scalar`, if one does.
    func code(ofScalar scalar: UInt32) -> UInt8? {
        if let index = PageEncodingTable.index(of: scalar) {
            let code = tabledCodes[index]
            return code == 0 ? nil : UInt8(code - 1)
        }
        var c = lowest
        while c < end {
            if scalars[c] == scalar { return UInt8(c) }
            c += 1
        }
        return nil
    }

    /// Codes for every letter of `needed`: the ones already defined, and free or least recently
    /// used codes (not holding a letter of `needed`) for the others. Nil when the range is too
    /// small for the line.
    func assignment(for needed: [Character]) -> [Character: UInt8]? {
        var result: [Character: UInt8] = [:]
        var missing: [Character] = []
        for ch in needed where result[ch] == nil {
            if let code = code(of: ch) { result[ch] = code } else if !missing.contains(ch) { missing.append(ch) }
        }
        guard !missing.isEmpty else { return result }
        guard let available = available(count: missing.count, keeping: Array(result.values)) else { return nil }
        for (ch, code) in zip(missing, available) { result[ch] = code }
        return result
    }

    /// `assignment(for:)` for letters of one scalar each, all different: the code of each, in
    /// the same order.
    func assignment(forScalars needed: [UInt32]) -> [UInt8]? {
        var result = [UInt8](repeating: 0, count: needed.count)
        // Which codes already hold a letter of `needed` (a bit per code), and which letters have none yet.
        var kept = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var missing: [Int] = []
        missing.reserveCapacity(needed.count)
        withUnsafeMutableBytes(of: &kept) { bits in
            for (i, scalar) in needed.enumerated() {
                if let code = code(ofScalar: scalar) {
                    result[i] = code
                    bits[Int(code >> 3)] |= 1 << (code & 7)
                } else {
                    missing.append(i)
                }
            }
        }
        guard !missing.isEmpty else { return result }
        var next = 0
        for code in codes where scalars[Int(code)] == Self.none {
            result[missing[next]] = code
            next += 1
            if next == missing.count { return result }
        }
        // Too few free codes: the general order (free, then least recently used).
        let keptCodes = codes.filter { code in withUnsafeBytes(of: kept) { $0[Int(code >> 3)] & 1 << (code & 7) != 0 } }
        guard let available = available(count: missing.count, keeping: keptCodes) else { return nil }
        for (i, code) in zip(missing, available) { result[i] = code }
        return result
    }

    /// The first `count` codes to (re)define: free codes in ascending order, then defined ones
    /// not in `kept`, least recently used first (ascending code on ties). Nil when too few.
    private func available(count: Int, keeping kept: [UInt8]) -> [UInt8]? {
        var available: [UInt8] = []
        available.reserveCapacity(count)
        for code in codes where scalars[Int(code)] == Self.none {
            available.append(code)
            if available.count == count { return available }
        }
        let reusable = codes.filter { scalars[Int($0)] != Self.none && !kept.contains($0) }.sorted {
            (lastUse[Int($0)], $0) < (lastUse[Int($1)], $1)
        }
        available += reusable
        return available.count >= count ? available : nil
    }

    /// Records that `code` now holds `letter` (after its `ESC &` was sent).
    mutating func define(_ letter: Character, at code: UInt8) {
        let s = letter.unicodeScalars
        if s.count == 1, let only = s.first { return define(scalar: only.value, at: code) }
        if let oldCode = self.code(of: letter) {
            scalars[Int(oldCode)] = Self.none
            otherLetters[oldCode] = nil
        }
        forgetScalar(at: code)
        scalars[Int(code)] = Self.several
        otherLetters[code] = letter
        lowest = min(lowest, Int(code))
        end = max(end, Int(code) + 1)
    }

    /// `define(_:at:)` for a letter of one scalar.
    mutating func define(scalar: UInt32, at code: UInt8) {
        if let oldCode = self.code(ofScalar: scalar) { forgetScalar(at: oldCode) }
        if !otherLetters.isEmpty { otherLetters[code] = nil }
        forgetScalar(at: code)
        scalars[Int(code)] = scalar
        if let index = PageEncodingTable.index(of: scalar) { tabledCodes[index] = UInt16(code) + 1 }
        lowest = min(lowest, Int(code))
        end = max(end, Int(code) + 1)
    }

    /// Clears the one-scalar letter `code` holds, if any.
    private mutating func forgetScalar(at code: UInt8) {
        let old = scalars[Int(code)]
        guard old != Self.none else { return }
        if old != Self.several, let index = PageEncodingTable.index(of: old) { tabledCodes[index] = 0 }
        scalars[Int(code)] = Self.none
    }

    /// Records that `codes` printed on the current line.
    mutating func markUsed(_ used: some Sequence<UInt8>) {
        clock += 1
        for code in used { lastUse[Int(code)] = clock }
    }
}
