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

    /// Whether every character of `line` is one scalar the tables cover, so that
    /// `tabledPlan` may plan it.
    static func isTabled(_ line: String) -> Bool {
        var ascii = true
        for b in line.utf8 where b < 0x20 || b >= 0x7F {
            ascii = false
            break
        }
        return ascii || line.unicodeScalars.allSatisfy { PageEncodingTable.covers($0.value) }
    }

    /// A letter available as a user-defined character: its scalar and its code.
    struct UserCode: Equatable {
        var scalar: UInt32
        var code: UInt8
    }

    /// `generalPlan` for a line `isTabled` accepts, with the user-defined letters given by
    /// scalar (a line uses a few: a linear search is cheaper than hashing).
    func tabledPlan(_ line: String, startingPage: CodePage?, userCodes: [UserCode], userDefinedOn: Bool) -> [Run]? {
        if userCodes.isEmpty && !userDefinedOn {
            var lowerCase = false
            var ascii = true
            for b in line.utf8 {
                if b >= 0x7F { ascii = false } else if b >= 0x61 && b <= 0x7A { lowerCase = true }
            }
            if ascii && (startingPage != .tcvn3Upper || !lowerCase) {
                // Staying on the starting page costs one byte a character and no switch: nothing is cheaper.
                return line.utf8.isEmpty ? [] : [Run(page: startingPage, bytes: Array(line.utf8))]
            }
        }
        return tablePlan(line, startingPage: startingPage, userCodes: userCodes, userDefinedOn: userDefinedOn)
    }

    /// The dynamic programme of `generalPlan` over the tables, in stack buffers.
    ///
    /// The cheapest way into a state is found from at most six candidates instead of every
    /// previous state: the states on the same page (switch free) and, for each setting of the
    /// user-defined set, the cheapest state of all (a switch). That cheapest state may be on
    /// the same page, and then its candidate is 3 bytes too dear; but its exact candidate is
    /// among the same-page ones and beats it, so the result — ties going to the lowest
    /// previous state, as in `generalPlan` — is the same.
    private func tablePlan(
        _ line: String, startingPage: CodePage?, userCodes: [UserCode], userDefinedOn: Bool
    ) -> [Run]? {
        let startTable = startingPage.map { PageEncodingTable.for($0, composing: profile.cp1258ComposesMarks) }
        let startPageIndex = startingPage.flatMap { pages.firstIndex(of: $0) } ?? -1
        let pageStates = pages.count + 1
        let stateCount = pageStates * 2
        let infinity = Int.max / 4
        // Encodings are packed as in PageEncodingTable (0: the character does not fit).
        // Without user-defined characters the odd states (set selected) are never reached:
        // stepping over them changes no result, as their cost stays infinite.
        let step = userCodes.isEmpty && !userDefinedOn ? 2 : 1
        let capacity = line.utf8.count
        let cells = capacity * stateCount
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(1, cells)) { choices -> [Run]? in
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: max(1, cells)) { back -> [Run]? in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: stateCount * 2) { buffer -> [Run]? in
                    let cost = buffer.baseAddress!
                    let next = cost + stateCount
                    for s in 0..<stateCount { cost[s] = infinity }
                    cost[userDefinedOn ? 1 : 0] = 0
                    var k = 0
                    for scalar in line.unicodeScalars {
                        let v = scalar.value
                        let row = k * stateCount
                        for s in 0..<stateCount { choices[row + s] = 0 }
                        if let startTable {
                            choices[row] = startTable.lookup(v)
                        } else if v >= 0x20 && v < 0x7F {
                            choices[row] = PageEncodingTable.pack(UInt8(v))
                        }
                        for i in 0..<tables.count { choices[row + (i + 1) * 2] = tables[i].lookup(v) }
                        if let userCode = userCodes.first(where: { $0.scalar == v }) {
                            for ps in 0..<pageStates {
                                choices[row + ps * 2 + 1] = PageEncodingTable.pack(userCode.code)
                            }
                        }
                        // The cheapest previous state for each setting of the set (lowest on ties).
                        var cheapest = (infinity, infinity)
                        var cheapestState = (-1, -1)
                        for prev in stride(from: 0, to: stateCount, by: step) where cost[prev] < infinity {
                            if prev & 1 == 0 {
                                if cost[prev] < cheapest.0 { (cheapest.0, cheapestState.0) = (cost[prev], prev) }
                            } else if cost[prev] < cheapest.1 {
                                (cheapest.1, cheapestState.1) = (cost[prev], prev)
                            }
                        }
                        var any = false
                        for s in stride(from: 0, to: stateCount, by: step) {
                            let option = choices[row + s]
                            guard option != 0 else {
                                next[s] = infinity
                                back[row + s] = -1
                                continue
                            }
                            let length = Int(option >> 16)
                            let (sp, su) = (s >> 1, s & 1)
                            var best = infinity
                            var bestPrev = -1
                            func consider(_ prev: Int, _ c: Int) {
                                if c < best || (c == best && prev < bestPrev) { (best, bestPrev) = (c, prev) }
                            }
                            // Same page, switch free: the page itself, and the unknown-page state
                            // where the printer is on this page already.
                            let startToo = sp > 0 && sp - 1 == startPageIndex
                            for pu in stride(from: 0, through: 1, by: step) {
                                let toggle = pu == su ? 0 : 3
                                if startToo && cost[pu] < infinity { consider(pu, cost[pu] + length + toggle) }
                                if cost[s - su + pu] < infinity {
                                    consider(s - su + pu, cost[s - su + pu] + length + toggle)
                                }
                            }
                            // Any page, with ESC t n; never back to the unknown page.
                            if sp > 0 {
                                if cheapestState.0 >= 0 {
                                    consider(cheapestState.0, cheapest.0 + length + 3 + (su == 0 ? 0 : 3))
                                }
                                if cheapestState.1 >= 0 {
                                    consider(cheapestState.1, cheapest.1 + length + 3 + (su == 1 ? 0 : 3))
                                }
                            }
                            next[s] = best
                            back[row + s] = Int8(bestPrev)
                            if best < infinity { any = true }
                        }
                        guard any else { return nil }
                        for s in stride(from: 0, to: stateCount, by: step) { cost[s] = next[s] }
                        k += 1
                    }
                    return runs(
                        cost: cost, stateCount: stateCount, back: back, choices: choices, count: k, pages: pages,
                        startingPage: startingPage)
                }
            }
        }
    }

    /// The runs of the cheapest path the table planner found, read back from its last step.
    private func runs(
        cost: UnsafeMutablePointer<Int>, stateCount: Int, back: UnsafeMutableBufferPointer<Int8>,
        choices: UnsafeMutableBufferPointer<UInt32>, count n: Int, pages: [CodePage], startingPage: CodePage?
    ) -> [Run] {
        var state = 0
        for s in 1..<stateCount where cost[s] < cost[state] { state = s }
        var states = [Int](repeating: 0, count: n)
        for k in stride(from: n - 1, through: 0, by: -1) {
            states[k] = state
            state = Int(back[k * stateCount + state])
        }
        var runs: [Run] = []
        for (k, s) in states.enumerated() {
            let page = s / 2 == 0 ? startingPage : pages[s / 2 - 1]
            let isUserDefined = s % 2 == 1
            let option = choices[k * stateCount + s]
            if runs.isEmpty || runs[runs.count - 1].page != page
                || runs[runs.count - 1].userDefined != isUserDefined
            {
                runs.append(Run(page: page, userDefined: isUserDefined, bytes: []))
            }
            runs[runs.count - 1].bytes.append(UInt8(truncatingIfNeeded: option))
            if option >> 16 == 2 { runs[runs.count - 1].bytes.append(UInt8(truncatingIfNeeded: option >> 8)) }
        }
        return runs
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
