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

    static let cp1258ToneBytes: [UInt32: UInt8] = [0x300: 0xCC, 0x301: 0xEC, 0x303: 0xDE, 0x309: 0xD2, 0x323: 0xF2]

    /// The bytes for `character` on `page`, if the page can carry it.
    func encode(_ character: Character, on page: CodePage) -> [UInt8]? {
        let scalars = Array(String(character).unicodeScalars)
        if scalars.count == 1, let b = page.encode(scalars[0]) { return [b] }
        guard page == .cp1258, profile.cp1258ComposesMarks else { return nil }
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
        guard useFastPath else {
            return generalPlan(line, startingPage: startingPage, userDefined: userDefined, userDefinedOn: userDefinedOn)
        }
        var ascii = true
        var lowerCase = false
        var tabled = true
        for b in line.utf8 {
            if b < 0x20 || b >= 0x7F { ascii = false } else if b >= 0x61 && b <= 0x7A { lowerCase = true }
        }
        if ascii {
            if !userDefinedOn && (startingPage != .tcvn3Upper || !lowerCase) {
                // Staying on the starting page costs one byte a character and no switch: nothing is cheaper.
                return line.utf8.isEmpty ? [] : [Run(page: startingPage, bytes: Array(line.utf8))]
            }
        } else {
            for scalar in line.unicodeScalars where !PageEncodingTable.covers(scalar.value) {
                tabled = false
                break
            }
        }
        guard tabled else {
            return generalPlan(line, startingPage: startingPage, userDefined: userDefined, userDefinedOn: userDefinedOn)
        }
        return tablePlan(line, startingPage: startingPage, userDefined: userDefined, userDefinedOn: userDefinedOn)
    }

    /// Whether `plan` may take its table path (tests compare it with `generalPlan`).
    var useFastPath = true

    /// `generalPlan` for a line whose every scalar is one character the tables cover.
    private func tablePlan(
        _ line: String, startingPage: CodePage?, userDefined: [Character: UInt8], userDefinedOn: Bool
    ) -> [Run]? {
        let pages = self.pages
        let tables = pages.map { PageEncodingTable.for($0, composing: profile.cp1258ComposesMarks) }
        let startTable = startingPage.map { PageEncodingTable.for($0, composing: profile.cp1258ComposesMarks) }
        var userCodes: [UInt32: UInt8] = [:]
        for (ch, code) in userDefined where ch.unicodeScalars.count == 1 {
            userCodes[ch.unicodeScalars.first!.value] = code
        }
        let startPageIndex = startingPage.flatMap { pages.firstIndex(of: $0) }
        let pageStates = pages.count + 1
        let stateCount = pageStates * 2
        let infinity = Int.max / 4
        let n = line.unicodeScalars.count
        // Encodings are packed as in PageEncodingTable (0: the character does not fit).
        // Without user-defined characters the odd states (set selected) are never reached:
        // stepping over them changes no result, as their cost stays infinite.
        let step = userCodes.isEmpty && !userDefinedOn ? 2 : 1
        let cells = n * stateCount
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: max(1, cells)) { choices -> [Run]? in
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: max(1, cells)) { back -> [Run]? in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: stateCount * 2) { buffer -> [Run]? in
                    choices.initialize(repeating: 0)
                    back.initialize(repeating: -1)
                    let cost = buffer.baseAddress!
                    let next = cost + stateCount
                    for s in 0..<stateCount { cost[s] = infinity }
                    cost[userDefinedOn ? 1 : 0] = 0
                    var k = 0
                    for scalar in line.unicodeScalars {
                        let v = scalar.value
                        let row = k * stateCount
                        if let startTable {
                            choices[row] = startTable.lookup(v)
                        } else if v >= 0x20 && v < 0x7F {
                            choices[row] = PageEncodingTable.pack(UInt8(v))
                        }
                        for i in 0..<pages.count { choices[row + (i + 1) * 2] = tables[i].lookup(v) }
                        if !userCodes.isEmpty, let code = userCodes[v] {
                            for ps in 0..<pageStates { choices[row + ps * 2 + 1] = PageEncodingTable.pack(code) }
                        }
                        var any = false
                        for s in stride(from: 0, to: stateCount, by: step) {
                            next[s] = infinity
                            let option = choices[row + s]
                            guard option != 0 else { continue }
                            let length = Int(option >> 16)
                            let (sp, su) = (s >> 1, s & 1)
                            var prev = 0
                            while prev < stateCount {
                                defer { prev += step }
                                guard cost[prev] < infinity else { continue }
                                let (pp, pu) = (prev >> 1, prev & 1)
                                let samePage = pp == sp || (sp > 0 && pp == 0 && sp - 1 == startPageIndex)
                                guard samePage || sp > 0 else { continue }
                                let c = cost[prev] + length + (samePage ? 0 : 3) + (pu == su ? 0 : 3)
                                if c < next[s] {
                                    next[s] = c
                                    back[row + s] = Int8(prev)
                                }
                            }
                            if next[s] < infinity { any = true }
                        }
                        guard any else { return nil }
                        for s in stride(from: 0, to: stateCount, by: step) { cost[s] = next[s] }
                        k += 1
                    }
                    return runs(
                        cost: cost, stateCount: stateCount, back: back, choices: choices, count: n, pages: pages,
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

    /// The profile's code pages, in `CodePage.allCases` order.
    var pages: [CodePage] { CodePage.allCases.filter { profile.codePages[$0] != nil } }

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
