import Testing

@testable import KioskDomain

@Suite struct TrackingCodeTests {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*")

    static let samples: [TrackingCode] = [
        TrackingCode(prefix: "YBVY01", day: CalendarDay(year: 2026, month: 11, day: 21)!, sequence: 7)!,
        TrackingCode(prefix: "QN", day: CalendarDay(year: 2000, month: 1, day: 1)!, sequence: 1)!,
        TrackingCode(prefix: "HCMQ1A99", day: CalendarDay(year: 2099, month: 12, day: 31)!, sequence: 9999)!,
        TrackingCode(prefix: "SL0042", day: CalendarDay(year: 2028, month: 2, day: 29)!, sequence: 10_000)!,
        TrackingCode(prefix: "ZZ9", day: CalendarDay(year: 2031, month: 7, day: 15)!, sequence: 99_999)!,
    ]

    @Test func printsTheDocumentedFormat() {
        let code = Self.samples[0]
        // Worked example in docs/tracking-code.md.
        #expect(code.description == "YBVY01-261121-0007-7")
        #expect(Self.samples[3].description.hasPrefix("SL0042-280229-10000-"))
        #expect(TrackingCode.checkValue(of: Array("YBVY012611210007".utf8)) == 7)
    }

    @Test func publishedMod372Vectors() {
        // Published MOD 37-2 examples: "G123489654321" -> Y (ISO/IEC 7064 implementations'
        // test suites), ISBT 128 donation id "A999914123458" -> J.
        #expect(TrackingCode.alphabet[TrackingCode.checkValue(of: Array("G123489654321".utf8))] == UInt8(ascii: "Y"))
        #expect(TrackingCode.alphabet[TrackingCode.checkValue(of: Array("A999914123458".utf8))] == UInt8(ascii: "J"))
    }

    @Test func asteriskIsACheckCharacter() {
        // About one code in 37 ends in `*`; it must print and parse like any other.
        let day = CalendarDay(year: 2026, month: 11, day: 21)!
        let starred = (1...400).compactMap { TrackingCode(prefix: "YBVY01", day: day, sequence: $0) }
            .filter { $0.checkCharacter == "*" }
        #expect(!starred.isEmpty)
        for code in starred { #expect(TrackingCode(parsing: code.description) == code) }
    }

    @Test func roundTrips() {
        for code in Self.samples {
            #expect(TrackingCode(parsing: code.description) == code)
            #expect(TrackingCode(parsing: "  " + code.description.lowercased() + " \r\n") == code)
        }
        var n = 0
        for sequence in stride(from: 1, through: 99_999, by: 37) {
            let day = CalendarDay(year: 2026, month: 1, day: 1)!.adding(days: sequence % 3000)
            let code = TrackingCode(prefix: "K\(sequence % 97)", day: day, sequence: sequence)!
            #expect(TrackingCode(parsing: code.description) == code)
            n += 1
        }
        #expect(n > 2000)
    }

    @Test func refusesBadParts() {
        let day = CalendarDay(year: 2026, month: 11, day: 21)!
        #expect(TrackingCode(prefix: "A", day: day, sequence: 1) == nil)
        #expect(TrackingCode(prefix: "ABCDEFGHI", day: day, sequence: 1) == nil)
        #expect(TrackingCode(prefix: "ab", day: day, sequence: 1) == nil)
        #expect(TrackingCode(prefix: "A-B", day: day, sequence: 1) == nil)
        #expect(TrackingCode(prefix: "AB", day: day, sequence: 0) == nil)
        #expect(TrackingCode(prefix: "AB", day: day, sequence: 100_000) == nil)
        #expect(TrackingCode(prefix: "AB", day: CalendarDay(year: 2100, month: 1, day: 1)!, sequence: 1) == nil)
        #expect(TrackingCode(prefix: "AB", day: CalendarDay(year: 1999, month: 12, day: 31)!, sequence: 1) == nil)
    }

    @Test func parseSaysWhy() {
        #expect(TrackingCode.parse("YBVY01-261121-0007") == .failure(.shape))
        #expect(TrackingCode.parse("YBVY01-261121-0007-77") == .failure(.shape))
        #expect(TrackingCode.parse("YBVY01-261121-0007-?") == .failure(.shape))
        #expect(TrackingCode.parse("") == .failure(.shape))
        #expect(TrackingCode.parse("Y-261121-0007-7") == .failure(.prefix))
        #expect(TrackingCode.parse("YBVY_1-261121-0007-7") == .failure(.prefix))
        #expect(TrackingCode.parse("YBVY01-261131-0007-7") == .failure(.date))
        #expect(TrackingCode.parse("YBVY01-2611-0007-7") == .failure(.date))
        #expect(TrackingCode.parse("YBVY01-261121-0000-7") == .failure(.sequence))
        #expect(TrackingCode.parse("YBVY01-261121-007-7") == .failure(.sequence))
        #expect(TrackingCode.parse("YBVY01-261121-09999-7") == .failure(.sequence))  // 5 digits only from 10000
        #expect(TrackingCode.parse("YBVY01-261121-+007-7") == .failure(.sequence))
        #expect(TrackingCode.parse("YBVY01-261121-0007-C") == .failure(.checkCharacterMismatch))
        #expect(TrackingCode.parse("YBVY01-261121-0007-*") == .failure(.checkCharacterMismatch))
        #expect(TrackingCode.parse("YBVY01 -261121-0007-7") == .failure(.prefix))
    }

    /// Every single-character substitution of every sample, with every character of the
    /// alphabet, at every position (check character included), is caught.
    @Test func catchesEverySingleSubstitution() {
        var tried = 0
        for code in Self.samples {
            let chars = Array(code.description)
            for i in chars.indices where chars[i] != "-" {
                for replacement in Self.alphabet + ["a", "z"] where replacement.uppercased() != String(chars[i]) {
                    var changed = chars
                    changed[i] = replacement
                    #expect(TrackingCode(parsing: String(changed)) == nil, "\(String(changed))")
                    tried += 1
                }
            }
        }
        #expect(tried > 500)
    }

    /// Every transposition of two adjacent characters, in the printed code and in the
    /// characters the check covers (across hyphens, check character included), is caught.
    @Test func catchesEveryAdjacentTransposition() {
        var tried = 0
        for code in Self.samples {
            let printed = Array(code.description)
            for i in 0..<(printed.count - 1) where printed[i] != printed[i + 1] {
                var swapped = printed
                swapped.swapAt(i, i + 1)
                #expect(TrackingCode(parsing: String(swapped)) == nil, "\(String(swapped))")
                tried += 1
            }
            // The same over the characters alone, keeping the hyphens where they were.
            let hyphens = printed.indices.filter { printed[$0] == "-" }
            let bare = printed.filter { $0 != "-" }
            for i in 0..<(bare.count - 1) where bare[i] != bare[i + 1] {
                var swapped = bare
                swapped.swapAt(i, i + 1)
                for h in hyphens { swapped.insert("-", at: h) }
                #expect(TrackingCode(parsing: String(swapped)) == nil, "\(String(swapped))")
                tried += 1
            }
        }
        #expect(tried > 100)
    }

    /// The property behind the two tests above, for any payload, exhaustively over the 37
    /// states: each character's step is a bijection (so a difference, once made, survives to
    /// the end); from every state different characters lead to different states
    /// (substitutions); swapping two different adjacent characters leads to a different state
    /// (transpositions); and the check value differs for different final states, also when
    /// the last payload character and the check character are swapped.
    @Test func mod372DetectsSubstitutionsAndTranspositionsFromEveryState() {
        let states = 0..<37
        for a in 0..<36 {
            #expect(Set(states.map { TrackingCode.checkStep($0, a) }).count == 37)
        }
        #expect(Set(states.map(TrackingCode.checkValue(afterState:))).count == 37)
        for p in states {
            #expect(Set((0..<36).map { TrackingCode.checkStep(p, $0) }).count == 36)
            for a in 0..<36 {
                for b in 0..<36 where a != b {
                    let ab = TrackingCode.checkStep(TrackingCode.checkStep(p, a), b)
                    let ba = TrackingCode.checkStep(TrackingCode.checkStep(p, b), a)
                    #expect(ab != ba)
                }
                // Last payload character `a` swapped with check character `c`: valid codes
                // satisfy (state + check) mod 37 == 1.
                let c = TrackingCode.checkValue(afterState: TrackingCode.checkStep(p, a))
                guard c < 36, c != a else { continue }  // `*` cannot move into the payload
                #expect((TrackingCode.checkStep(p, c) + a) % 37 != 1)
            }
        }
    }

    /// Why MOD 37,36 (the hybrid system) was not used: it misses some adjacent transpositions.
    @Test func hybridMod3736MissesSomeTranspositions() {
        func step(_ p: Int, _ a: Int) -> Int {
            let s = (p + a) % 36
            return 2 * (s == 0 ? 36 : s) % 37
        }
        // From state 18, "01" and "10" end in the same state.
        #expect(step(step(18, 0), 1) == step(step(18, 1), 0))
    }
}
