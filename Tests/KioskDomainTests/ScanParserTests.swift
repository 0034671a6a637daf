import KioskTestSupport
import Testing

@testable import KioskDomain

@Suite struct ScanParserTests {
    let parser = ScanParser()
    static let card = "001099012345|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021"
    static let tracking = TrackingCode(
        prefix: "YBVY01", day: CalendarDay(year: 2026, month: 11, day: 21)!, sequence: 7)!

    @Test func recognisesEveryKind() throws {
        guard case .idCard(let card) = try parser.parse(Self.card).get() else {
            Issue.record("not an id card")
            return
        }
        #expect(card.applicant.idNumber == "001099012345")
        #expect(try parser.parse("1.001234").get() == .procedureCode("1.001234"))
        #expect(try parser.parse(Self.tracking.description).get() == .trackingCode(Self.tracking))
        #expect(try parser.parse("EA123456785VN").get() == .postalItem(S10Code(parsing: "EA123456785VN")!))
        for control in ControlCode.allCases {
            #expect(try parser.parse(control.rawValue).get() == .control(control))
        }
        #expect(try parser.parse("kiosk:cancel").get() == .control(.cancel))
        #expect(try parser.parse("KIOSK:TEST-PAGE").get() == .control(.testPage))
    }

    @Test func stripsAIMSymbologyIdentifiersAndSpaces() throws {
        #expect(try parser.parse("]C01.001234").get() == .procedureCode("1.001234"))
        #expect(try parser.parse("]Q1" + Self.tracking.description + "\r\n").get() == .trackingCode(Self.tracking))
        #expect(try parser.parse("]E0EA123456785VN").get() == .postalItem(S10Code(parsing: "EA123456785VN")!))
        #expect(try parser.parse("]d2KIOSK:STATUS").get() == .control(.status))
        if case .idCard = try parser.parse("]Q2" + Self.card).get() {} else { Issue.record("not an id card") }
        #expect(try parser.parse("  1.001234  ").get() == .procedureCode("1.001234"))
        // Only one identifier, only at the start, only of the right shape.
        #expect(parser.parse("]C0]C01.001234") == .failure(.unrecognised))
        #expect(parser.parse("1.001234]C0") == .failure(.unrecognised))
        #expect(parser.parse("]1C1.001234") == .failure(.unrecognised))
        #expect(ScanParser.withoutSymbologyIdentifier("]Q1abc") == "abc")
        #expect(ScanParser.withoutSymbologyIdentifier("]Q") == "]Q")
        #expect(ScanParser.withoutSymbologyIdentifier("]") == "]")
        #expect(ScanParser.withoutSymbologyIdentifier("]Q-abc") == "]Q-abc")
    }

    @Test func everyRejectionPath() {
        #expect(parser.parse("") == .failure(.empty))
        #expect(parser.parse("   \r\n") == .failure(.empty))
        #expect(parser.parse("]Q1") == .failure(.empty))
        #expect(parser.parse(String(repeating: "1", count: 4097)) == .failure(.tooLong(4097)))
        #expect(parser.parse(String(repeating: "ễ", count: 4097)) == .failure(.tooLong(4097)))
        #expect(parser.parse(String(repeating: "ễ", count: 2000)) == .failure(.unrecognised))  // 6000 bytes, 2000 chars
        #expect(parser.parse(String(repeating: "1", count: 4096)) == .failure(.unrecognised))  // at the limit
        #expect(parser.parse("001099012345|x") == .failure(.idCard(.fieldCount(2))))
        #expect(parser.parse("00109901234|123456789|A|15031999|Nam|Hà Nội|20042021") == .failure(.idCard(.idNumber)))
        #expect(parser.parse("KIOSK:REBOOT") == .failure(.unknownControlCode))
        #expect(parser.parse("KIOSK:") == .failure(.unknownControlCode))
        #expect(parser.parse("EA123456784VN") == .failure(.postalItem(.checkDigitMismatch)))
        #expect(parser.parse("YBVY01-261121-0007-8") == .failure(.trackingCode(.checkCharacterMismatch)))
        #expect(parser.parse("YBVY01-261131-0007-8") == .failure(.trackingCode(.date)))
        #expect(parser.parse("Y-261121-0007-8") == .failure(.trackingCode(.prefix)))
        #expect(parser.parse("YBVY01-261121-0-8") == .failure(.trackingCode(.sequence)))
        for text in ["1.00123", "1.0012345", "12.001234", "1,001234", "hello", "1.001234\u{1B}", "A-B-C", "\u{1B}@"] {
            #expect(parser.parse(text) == .failure(.unrecognised), "\(text)")
        }
    }

    @Test func rejectionReasonsAreReadableAndNeverEchoTheScan() {
        #expect(
            ScanRejection.trackingCode(.checkCharacterMismatch).description
                == "tracking code check character does not match: mistyped?")
        let scans = [
            "001099012345|123456789|Nguyễn Văn An|31022000|Nam|Hà Nội|20042021",
            "001099012345|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|2004202|x",
            "KIOSK:SECRET-VALUE", "EA123456784VN", "YBVY01-261121-0007-8", "something 001099012345",
            String(repeating: "9", count: 5000),
        ]
        for scan in scans {
            guard case .failure(let rejection) = parser.parse(scan) else {
                Issue.record("accepted")
                continue
            }
            let reason = rejection.description
            #expect(!reason.isEmpty)
            for secret in ["001099012345", "Nguyễn", "31022000", "SECRET", "EA123456784", "YBVY01", "Hà Nội", "99999"] {
                #expect(!reason.contains(secret), "\(reason)")
            }
        }
    }

    @Test func scanDescriptionsAreSafeForLogs() throws {
        let scan = try parser.parse(Self.card).get()
        #expect(scan.description == "id-card ********2345")
        #expect(scan.kind == "id-card")
        #expect(try parser.parse("1.001234").get().description == "procedure-code 1.001234")
    }

    /// Random and mutated inputs never crash the parser (a small in-test fuzz; deterministic).
    @Test func survivesGarbage() {
        var rng = SplitMix64(seed: 0x5EED)
        let seeds = [Self.card, Self.tracking.description, "EA123456785VN", "1.001234", "KIOSK:CLERK", "]Q1"]
        let pieces: [Unicode.Scalar] = [
            "|", "-", "]", ".", "*", "\u{0}", "\u{1B}", "\u{301}", "\u{FEFF}", "ễ", "9", "A", " ",
        ]
        for _ in 0..<20_000 {
            var scalars = Array(seeds[Int(rng.next() % UInt64(seeds.count))].unicodeScalars)
            for _ in 0..<Int(rng.next() % 4) {
                let i = scalars.isEmpty ? 0 : Int(rng.next() % UInt64(scalars.count))
                let piece = pieces[Int(rng.next() % UInt64(pieces.count))]
                switch rng.next() % 3 {
                case 0 where !scalars.isEmpty: scalars[i] = piece
                case 1 where !scalars.isEmpty: scalars.remove(at: i)
                default: scalars.insert(piece, at: i)
                }
            }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars)
            _ = parser.parse(String(text))
        }
    }
}
