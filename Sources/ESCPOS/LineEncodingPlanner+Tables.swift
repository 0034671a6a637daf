/// The planner's fast path: lines whose every character is one scalar of the per-page tables
/// (`PageEncodingTable`), planned in stack buffers without an allocation per character.
///
/// Two forms of `generalPlan`'s dynamic programme. Without user-defined characters the state
/// is the page alone (`pagePlan`); with them it is the page and whether the set is selected
/// (`userPlan`). Either finds the cheapest way into a state from a few candidates instead of
/// every previous state: the states on the same page (no switch) and the cheapest state of all
/// (a switch, `ESC t n`). That cheapest state may be on the same page, and then its candidate is
/// 3 bytes too dear; but its exact candidate is among the same-page ones and beats it. Ties go
/// to the lowest previous state, as in `generalPlan`, so the runs are the same
/// (`EncoderFastPathTests` compares them for every profile, page and letter).
extension LineEncodingPlanner {
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

    /// For a line `isTabled` accepts, the scalars none of the profile's pages carries (other
    /// than printable ASCII, which every page has), each once, in the order they first appear:
    /// empty when the pages carry the whole line. Nil when the line is not `isTabled`.
    func uncarried(_ line: String) -> [UInt32]? {
        var missing: [UInt32] = []
        for b in line.utf8 where b < 0x20 || b >= 0x7F {
            // Room for the letters of a line, and the space the encoder may add.
            missing.reserveCapacity(24)
            for scalar in line.unicodeScalars {
                let v = scalar.value
                if v >= 0x20 && v < 0x7F { continue }
                guard PageEncodingTable.covers(v) else { return nil }
                if missing.contains(v) || tables.contains(where: { $0.lookup(v) != 0 }) { continue }
                missing.append(v)
            }
            break
        }
        return missing
    }

    /// A letter available as a user-defined character: its scalar and its code.
    struct UserCode: Equatable {
        var scalar: UInt32
        var code: UInt8
    }

    /// `generalPlan` for a line `isTabled` accepts, with the user-defined letters given by
    /// scalar (a line uses a few: a linear search is cheaper than hashing).
    func tabledPlan(_ line: String, startingPage: CodePage?, userCodes: [UserCode], userDefinedOn: Bool) -> [Run]? {
        if userCodes.isEmpty && !userDefinedOn, let run = asciiRun(line, startingPage: startingPage) { return run }
        return withTabledSteps(line, startingPage: startingPage, userCodes: userCodes, userDefinedOn: userDefinedOn) {
            Self.runs(of: $0)
        }
    }

    /// The one run of a line of printable ASCII when staying on the starting page is cheapest
    /// (always, but on TCVN-3 capitals with lower case in the line), none for an empty line;
    /// nil otherwise.
    func asciiRun(_ line: String, startingPage: CodePage?) -> [Run]? {
        var lowerCase = false
        for b in line.utf8 {
            if b >= 0x7F { return nil } else if b >= 0x61 && b <= 0x7A { lowerCase = true }
        }
        guard startingPage != .tcvn3Upper || !lowerCase else { return nil }
        // One byte a character and no switch: nothing is cheaper.
        return line.utf8.isEmpty ? [] : [Run(page: startingPage, bytes: Array(line.utf8))]
    }

    /// One character of a planned line: the page it is sent on (the one left in force
    /// underneath when the set is selected), whether the user-defined set is selected, and its
    /// encoding packed as in `PageEncodingTable`.
    struct Step: Equatable {
        var page: CodePage?
        var userDefined: Bool
        var option: UInt32
    }

    /// Calls `body` with the steps of the cheapest plan of a line `isTabled` accepts, in a
    /// stack buffer, and returns its result; nil (without calling it) when some character fits
    /// no state.
    func withTabledSteps<R>(
        _ line: String, startingPage: CodePage?, userCodes: [UserCode], userDefinedOn: Bool,
        _ body: (UnsafeBufferPointer<Step>) -> R
    ) -> R? {
        guard userCodes.isEmpty && !userDefinedOn else {
            return userPlan(line, startingPage: startingPage, userCodes: userCodes, userDefinedOn: userDefinedOn, body)
        }
        return pagePlan(line, startingPage: startingPage, body)
    }

    /// The runs of `steps`: consecutive characters with the same page and set setting.
    static func runs(of steps: UnsafeBufferPointer<Step>) -> [Run] {
        var runs: [Run] = []
        for step in steps {
            if runs.isEmpty || runs[runs.count - 1].page != step.page
                || runs[runs.count - 1].userDefined != step.userDefined
            {
                runs.append(Run(page: step.page, userDefined: step.userDefined, bytes: []))
            }
            runs[runs.count - 1].bytes.append(UInt8(truncatingIfNeeded: step.option))
            if step.option >> 16 == 2 { runs[runs.count - 1].bytes.append(UInt8(truncatingIfNeeded: step.option >> 8)) }
        }
        return runs
    }

    private static let infinity = Int.max / 4

    /// The packed encodings of scalar `v` on the starting page (or printable ASCII when the
    /// page is unknown) and on each of `pages`, written from `row`, one apart.
    @inline(__always)
    private func options(
        of v: UInt32, startTable: PageEncodingTable?, into choices: UnsafeMutableBufferPointer<UInt32>, row: Int,
        apart: Int
    ) {
        if let startTable {
            choices[row] = startTable.lookup(v)
        } else {
            choices[row] = v >= 0x20 && v < 0x7F ? PageEncodingTable.pack(UInt8(v)) : 0
        }
        for i in 0..<tables.count { choices[row &+ (i &+ 1) &* apart] = tables[i].lookup(v) }
    }

    /// The programme without user-defined characters: state 0 is the page the printer is on
    /// (unknown: ASCII only), state i the page `pages[i - 1]`.
    private func pagePlan<R>(_ line: String, startingPage: CodePage?, _ body: (UnsafeBufferPointer<Step>) -> R) -> R? {
        let startTable = startingPage.map { PageEncodingTable.for($0, composing: profile.cp1258ComposesMarks) }
        let pages = self.pages
        let startState = (startingPage.flatMap { pages.firstIndex(of: $0) } ?? -2) + 1
        let states = pages.count + 1
        let cells = max(1, line.utf8.count * states)
        let infinity = Self.infinity
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: cells) { choices -> R? in
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: cells) { back -> R? in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: states * 2) { buffer -> R? in
                    var cost = buffer.baseAddress!
                    var next = cost + states
                    cost[0] = 0
                    for s in 1..<states { cost[s] = infinity }
                    var k = 0
                    for scalar in line.unicodeScalars {
                        let row = k &* states
                        options(of: scalar.value, startTable: startTable, into: choices, row: row, apart: 1)
                        var cheapest = cost[0]
                        var cheapestState = 0
                        for s in 1..<states where cost[s] < cheapest {
                            cheapest = cost[s]
                            cheapestState = s
                        }
                        // State 0 only from itself: nothing switches back to an unknown page.
                        var any = false
                        let option0 = choices[row]
                        if option0 != 0 && cost[0] < infinity {
                            next[0] = cost[0] &+ Int(option0 >> 16)
                            back[row] = 0
                            any = true
                        } else {
                            next[0] = infinity
                        }
                        for s in 1..<states {
                            let option = choices[row &+ s]
                            guard option != 0 else {
                                next[s] = infinity
                                continue
                            }
                            var best = cost[s]
                            var bestPrev = s
                            // The page the printer was on at the start is this page: no switch.
                            if s == startState && cost[0] <= best {
                                best = cost[0]
                                bestPrev = 0
                            }
                            let switched = cheapest &+ 3
                            if switched < best || (switched == best && cheapestState < bestPrev) {
                                best = switched
                                bestPrev = cheapestState
                            }
                            if best < infinity {
                                next[s] = best &+ Int(option >> 16)
                                back[row &+ s] = Int8(truncatingIfNeeded: bestPrev)
                                any = true
                            } else {
                                next[s] = infinity
                            }
                        }
                        guard any else { return nil }
                        swap(&cost, &next)
                        k &+= 1
                    }
                    var state = 0
                    for s in 1..<states where cost[s] < cost[state] { state = s }
                    return steps(count: k, lastState: state, back: back, rowWidth: states, body) { k, s in
                        Step(
                            page: s == 0 ? startingPage : pages[s - 1], userDefined: false,
                            option: choices[k &* states &+ s])
                    }
                }
            }
        }
    }

    /// The programme with user-defined characters: state = page state × 2 + (set selected ? 1 : 0),
    /// page state 0 the page the printer is on, i the page `pages[i - 1]`. Selecting or
    /// deselecting the set (`ESC % n`) costs 3 bytes, as a page switch does.
    private func userPlan<R>(
        _ line: String, startingPage: CodePage?, userCodes: [UserCode], userDefinedOn: Bool,
        _ body: (UnsafeBufferPointer<Step>) -> R
    ) -> R? {
        let startTable = startingPage.map { PageEncodingTable.for($0, composing: profile.cp1258ComposesMarks) }
        let pages = self.pages
        let startPageState = (startingPage.flatMap { pages.firstIndex(of: $0) } ?? -2) + 1
        let pageStates = pages.count + 1
        let states = pageStates * 2
        let cells = max(1, line.utf8.count * states)
        let infinity = Self.infinity
        let userASCII = userCodes.contains { $0.scalar < 0x7F && $0.scalar != 0x20 }
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: cells) { choices -> R? in
            withUnsafeTemporaryAllocation(of: Int8.self, capacity: cells) { back -> R? in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: states * 2) { buffer -> R? in
                    var cost = buffer.baseAddress!
                    var next = cost + states
                    for s in 0..<states { cost[s] = infinity }
                    cost[userDefinedOn ? 1 : 0] = 0
                    var k = 0
                    for scalar in line.unicodeScalars {
                        let v = scalar.value
                        let row = k &* states
                        options(of: v, startTable: startTable, into: choices, row: row, apart: 2)
                        // The encoder defines only letters no page has, and the space.
                        let user =
                            v < 0x7F && v != 0x20 && !userASCII
                            ? 0 : userCodes.first { $0.scalar == v }.map { PageEncodingTable.pack($0.code) } ?? 0
                        for ps in 0..<pageStates { choices[row &+ ps &* 2 &+ 1] = user }
                        // The cheapest state with the set deselected (0) and selected (1), lowest on ties.
                        var cheapest = (infinity, infinity)
                        var cheapestState = (0, 1)
                        for ps in 0..<pageStates {
                            if cost[ps &* 2] < cheapest.0 { (cheapest.0, cheapestState.0) = (cost[ps &* 2], ps &* 2) }
                            if cost[ps &* 2 &+ 1] < cheapest.1 {
                                (cheapest.1, cheapestState.1) = (cost[ps &* 2 &+ 1], ps &* 2 &+ 1)
                            }
                        }
                        // Branches depend on the state only; unreachable candidates (cost at
                        // or above infinity) never beat a reachable one.
                        var any = false
                        // A character the set does not hold reaches no state with the set selected.
                        let step = user == 0 ? 2 : 1
                        if step == 2 { for s in stride(from: 1, to: states, by: 2) { next[s] = infinity } }
                        for s in stride(from: 0, to: states, by: step) {
                            let (sp, su) = (s >> 1, s & 1)
                            let (toggle0, toggle1) = su == 0 ? (0, 3) : (3, 0)
                            var best = Int.max / 2
                            var bestPrev = 0
                            // Same page, no switch, in ascending order of state (strictly cheaper wins):
                            // the start's state where this is the start's page, then this page.
                            if sp == 0 || sp == startPageState {
                                if cost[0] &+ toggle0 < best { (best, bestPrev) = (cost[0] &+ toggle0, 0) }
                                if cost[1] &+ toggle1 < best { (best, bestPrev) = (cost[1] &+ toggle1, 1) }
                            }
                            if sp > 0 {
                                let here = sp &* 2
                                if cost[here] &+ toggle0 < best { (best, bestPrev) = (cost[here] &+ toggle0, here) }
                                if cost[here &+ 1] &+ toggle1 < best {
                                    (best, bestPrev) = (cost[here &+ 1] &+ toggle1, here &+ 1)
                                }
                                // Another page: ESC t n.
                                let c0 = cheapest.0 &+ 3 &+ toggle0
                                if c0 < best || (c0 == best && cheapestState.0 < bestPrev) {
                                    (best, bestPrev) = (c0, cheapestState.0)
                                }
                                let c1 = cheapest.1 &+ 3 &+ toggle1
                                if c1 < best || (c1 == best && cheapestState.1 < bestPrev) {
                                    (best, bestPrev) = (c1, cheapestState.1)
                                }
                            }
                            let option = choices[row &+ s]
                            let reachable = option != 0 && best < infinity
                            next[s] = reachable ? best &+ Int(option >> 16) : infinity
                            back[row &+ s] = Int8(truncatingIfNeeded: bestPrev)
                            any = any || reachable
                        }
                        guard any else { return nil }
                        swap(&cost, &next)
                        k &+= 1
                    }
                    var state = 0
                    for s in 1..<states where cost[s] < cost[state] { state = s }
                    return steps(count: k, lastState: state, back: back, rowWidth: states, body) { k, s in
                        Step(
                            page: s >> 1 == 0 ? startingPage : pages[(s >> 1) - 1], userDefined: s & 1 == 1,
                            option: choices[k &* states &+ s])
                    }
                }
            }
        }
    }

    /// Reads the cheapest path back from `lastState` after `count` characters into a stack
    /// buffer of steps (`step(k, state)` gives character k's step in that state) and calls
    /// `body` with it.
    private func steps<R>(
        count n: Int, lastState: Int, back: UnsafeMutableBufferPointer<Int8>, rowWidth: Int,
        _ body: (UnsafeBufferPointer<Step>) -> R, step: (Int, Int) -> Step
    ) -> R {
        withUnsafeTemporaryAllocation(of: Step.self, capacity: max(1, n)) { path in
            var state = lastState
            for k in stride(from: n - 1, through: 0, by: -1) {
                path.initializeElement(at: k, to: step(k, state))
                state = Int(back[k &* rowWidth &+ state])
            }
            return body(UnsafeBufferPointer(rebasing: path.prefix(n)))
        }
    }
}
