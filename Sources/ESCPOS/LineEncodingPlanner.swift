#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Chooses, for one line of text, the code pages that print every character right with the
/// fewest bytes — or says the line must be drawn as raster.
///
/// A small dynamic programme over the profile's pages: each character costs its bytes on a
/// page, each `ESC t n` switch costs 3. TCVN-3 lines switch between the lower-case and capitals
/// pages within the line; CP1258 letters that are not precomposed go as base letter plus
/// combining tone mark, only where the profile says the printer composes them. Letters no page
/// has may go as user-defined characters, switched on and off within the line (`ESC %`).
struct LineEncodingPlanner {
    /// A stretch of a line sent on one page.
    struct Run: Equatable {
        var page: CodePage?
        /// Sent with the user-defined character set selected (`ESC % 1`); `page` is then the
        /// page left in force underneath.
        var userDefined = false
        var bytes: [UInt8]
    }

    let profile: PrinterProfile
    /// The profile's code pages, in `CodePage.allCases` order.
    let pages: [CodePage]
    /// The table of each of `pages`, for the profile's CP1258 composing.
    let tables: [PageEncodingTable]
    /// Whether `plan` may take its table path (tests compare it with `generalPlan`).
    var useFastPath: Bool

    /// A planner for `profile`; its pages and their tables are looked up once, here.
    init(profile: PrinterProfile, useFastPath: Bool = true) {
        self.profile = profile
        self.useFastPath = useFastPath
        pages = CodePage.allCases.filter { profile.codePages[$0] != nil }
        tables = pages.map { PageEncodingTable.for($0, composing: profile.cp1258ComposesMarks) }
    }

    static let cp1258ToneBytes: [UInt32: UInt8] = [0x300: 0xCC, 0x301: 0xEC, 0x303: 0xDE, 0x309: 0xD2, 0x323: 0xF2]

    /// The bytes for `character` on `page`, if the page can carry it.
    func encode(_ character: Character, on page: CodePage) -> [UInt8]? {
        Self.encode(character, on: page, composing: profile.cp1258ComposesMarks)
    }

    /// The bytes for `character` on `page`, if the page can carry it; `composing` says whether
    /// the printer draws CP1258's combining tone marks over the letter before them.
    static func encode(_ character: Character, on page: CodePage, composing: Bool) -> [UInt8]? {
        let scalars = Array(String(character).unicodeScalars)
        if scalars.count == 1, let b = page.encode(scalars[0]) { return [b] }
        guard page == .cp1258, composing else { return nil }
        let decomposed = String(character).canonicallyDecomposed.unicodeScalars
        var tone: UInt8?
        var base = String.UnicodeScalarView()
        for s in decomposed {
            if let t = Self.cp1258ToneBytes[s.value] {
                guard tone == nil else { return nil }
                tone = t
            } else {
                base.append(s)
            }
        }
        let composedBase = Array(String(base).canonicallyComposed.unicodeScalars)
        guard let tone, composedBase.count == 1, let b = page.encode(composedBase[0]) else { return nil }
        return [b, tone]
    }

    /// The cheapest runs for `line` given the page the printer is on (nil: unknown, only
    /// printable ASCII is safe); nil when some character fits no page.
    func plan(_ line: String, startingPage: CodePage?) -> [Run]? {
        plan(line, startingPage: startingPage, userDefined: [:], userDefinedOn: false)
    }

    /// The cheapest runs for `line` when the characters of `userDefined` are also available
    /// as user-defined characters (their codes), selected with `ESC % 1` and deselected with
    /// `ESC % 0` (3 bytes each); `userDefinedOn` says whether the set is selected at the start.
    /// While it is selected only those codes print; the code page stays as it was.
    ///
    /// Lines of printable ASCII, and lines whose every character is one scalar of the
    /// encoder's tables (Latin up to U+024F, Vietnamese U+1E00–U+1EFF), are planned from
    /// tables built once per code page without an allocation per character; other lines go
    /// through `generalPlan`. Both give the same runs (`EncoderFastPathTests`).
    func plan(
        _ line: String, startingPage: CodePage?, userDefined: [Character: UInt8], userDefinedOn: Bool
    ) -> [Run]? {
        guard useFastPath, Self.isTabled(line) else {
            return generalPlan(line, startingPage: startingPage, userDefined: userDefined, userDefinedOn: userDefinedOn)
        }
        var userCodes: [UserCode] = []
        for (ch, code) in userDefined where ch.unicodeScalars.count == 1 {
            userCodes.append(UserCode(scalar: ch.unicodeScalars.first!.value, code: code))
        }
        return tabledPlan(line, startingPage: startingPage, userCodes: userCodes, userDefinedOn: userDefinedOn)
    }

    /// The reference planner: every character through `encode(_:on:)`. Slower (it allocates
    /// per character and normalises CP1258 letters through Foundation), and the one `plan`
    /// falls back to for characters of several scalars and scripts outside the tables.
    func generalPlan(
        _ line: String, startingPage: CodePage?, userDefined: [Character: UInt8], userDefinedOn: Bool
    ) -> [Run]? {
        let pages = CodePage.allCases.filter { profile.codePages[$0] != nil }
        // Page state: 0 = the starting page, 1... = pages[i - 1]; state = page state * 2 + (set selected ? 1 : 0).
        let pageStates = pages.count + 1
        let stateCount = pageStates * 2
        let infinity = Int.max / 4
        var cost = [Int](repeating: infinity, count: stateCount)
        cost[userDefinedOn ? 1 : 0] = 0
        var back: [[Int]] = []
        var choices: [[[UInt8]?]] = []
        for ch in line {
            var options = [[UInt8]?](repeating: nil, count: stateCount)
            if let start = startingPage {
                options[0] = encode(ch, on: start)
            } else if ch.unicodeScalars.count == 1, let v = ch.unicodeScalars.first?.value, v >= 0x20, v < 0x7F {
                options[0] = [UInt8(v)]
            }
            for (i, p) in pages.enumerated() { options[(i + 1) * 2] = encode(ch, on: p) }
            if let code = userDefined[ch] {
                for ps in 0..<pageStates { options[ps * 2 + 1] = [code] }
            }
            var next = [Int](repeating: infinity, count: stateCount)
            var from = [Int](repeating: -1, count: stateCount)
            for s in 0..<stateCount {
                guard let bytes = options[s] else { continue }
                let (sp, su) = (s / 2, s % 2)
                for prev in 0..<stateCount where cost[prev] < infinity {
                    let (pp, pu) = (prev / 2, prev % 2)
                    // Staying on a page costs nothing, moving to one costs ESC t n; never back to "unknown".
                    let samePage = pp == sp || (sp > 0 && pp == 0 && pages[sp - 1] == startingPage)
                    guard samePage || sp > 0 else { continue }
                    let c = cost[prev] + bytes.count + (samePage ? 0 : 3) + (pu == su ? 0 : 3)
                    if c < next[s] {
                        next[s] = c
                        from[s] = prev
                    }
                }
            }
            guard next.contains(where: { $0 < infinity }) else { return nil }
            cost = next
            back.append(from)
            choices.append(options)
        }
        guard var state = cost.indices.min(by: { cost[$0] < cost[$1] }) else { return [] }
        var states: [Int] = []
        for k in stride(from: back.count - 1, through: 0, by: -1) {
            states.append(state)
            state = back[k][state]
        }
        states.reverse()
        var runs: [Run] = []
        for (k, s) in states.enumerated() {
            let page = s / 2 == 0 ? startingPage : pages[s / 2 - 1]
            let userDefined = s % 2 == 1
            let bytes = choices[k][s]!
            if let last = runs.last, last.page == page, last.userDefined == userDefined {
                runs[runs.count - 1].bytes += bytes
            } else {
                runs.append(Run(page: page, userDefined: userDefined, bytes: bytes))
            }
        }
        return runs
    }
}
