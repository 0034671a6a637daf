import Testing

@testable import KioskDomain

@Suite struct CitizenIDCardTests {
    /// A made-up card in the QR layout (not a real person).
    static let valid =
        "001099012345|123456789|Nguyễn Văn An|15031999|Nam|Số 12, phố Hàng Bạc, Hoàn Kiếm, Hà Nội|20042021"

    @Test func parsesAValidCard() throws {
        let card = try CitizenIDCard.parse(Self.valid).get()
        #expect(card.applicant.idNumber == "001099012345")
        #expect(card.oldIdNumber == "123456789")
        #expect(scalars(card.applicant.name) == scalars("Nguyễn Văn An"))
        #expect(card.applicant.birthDate == CalendarDay(year: 1999, month: 3, day: 15))
        #expect(card.applicant.gender == "Nam")
        #expect(scalars(card.applicant.address) == scalars("Số 12, phố Hàng Bạc, Hoàn Kiếm, Hà Nội"))
        #expect(card.issueDate == CalendarDay(year: 2021, month: 4, day: 20))
        // description is safe for logs.
        #expect(card.description == "CitizenIDCard(********2345)")
        #expect(!card.description.contains("Nguy"))
    }

    @Test func acceptsAnEmptyOldIdAndNFDText() throws {
        // Name, gender and address decomposed (NFD), as some scanners send them.
        let nfdName = "Tr\u{1B0}\u{323}o\u{31B}\u{300}ng Thi\u{323} Ly"  // ư + dot, ơ + grave
        let text =
            "079303001234||\(nfdName)|01012003|Nu\u{31B}\u{303}|Q. 1, TP. Ho\u{302}\u{300} Chi\u{301} Minh|31122021"
        let card = try CitizenIDCard.parse(text).get()
        #expect(card.oldIdNumber == nil)
        #expect(
            scalars(card.applicant.name) == [
                0x54, 0x72, 0x1EF1, 0x1EDD, 0x6E, 0x67, 0x20, 0x54, 0x68, 0x1ECB, 0x20, 0x4C, 0x79,
            ])
        #expect(scalars(card.applicant.gender) == [0x4E, 0x1EEF])  // Nữ, composed
        #expect(scalars(card.applicant.address) == scalars("Q. 1, TP. Hồ Chí Minh"))
    }

    @Test func acceptsGenderInAnyCase() throws {
        for (given, expected) in [("NAM", "Nam"), ("nam", "Nam"), ("NỮ", "Nữ"), ("nữ", "Nữ"), (" Nữ ", "Nữ")] {
            let text = "001099012345||Lê A|15031999|\(given)|Hà Nội|20042021"
            #expect(scalars(try CitizenIDCard.parse(text).get().applicant.gender) == scalars(expected))
        }
    }

    @Test func stripsInjectedPrinterCommandsFromNameAndAddress() throws {
        // ESC @ (reset), GS V (cut), DLE EOT (status), and a zero-width space.
        let text =
            "001099012345||Nguy\u{1B}@ễn\u{1D}V\u{1}\u{10}\u{4} An\u{200B}|15031999|Nam|Hà\u{1B}i Nội\u{7F}|20042021"
        let card = try CitizenIDCard.parse(text).get()
        #expect(scalars(card.applicant.name) == scalars("Nguy@ễnV An"))
        #expect(scalars(card.applicant.address) == scalars("Hài Nội"))
        #expect(!card.applicant.name.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test func capsNameAndAddressLength() throws {
        let name100 = String(repeating: "ễ", count: 100)
        let ok = "001099012345||\(name100)|15031999|Nam|\(String(repeating: "a", count: 300))|20042021"
        #expect((try? CitizenIDCard.parse(ok).get()) != nil)
        let longName = "001099012345||\(name100)x|15031999|Nam|Hà Nội|20042021"
        #expect(CitizenIDCard.parse(longName) == .failure(.nameTooLong))
        // Decomposed letters count once each.
        let nfdName = String(repeating: "e\u{302}\u{303}", count: 100)
        #expect((try? CitizenIDCard.parse("001099012345||\(nfdName)|15031999|Nam|Hà Nội|20042021").get()) != nil)
        let longAddress = "001099012345||Lê A|15031999|Nam|\(String(repeating: "a", count: 301))|20042021"
        #expect(CitizenIDCard.parse(longAddress) == .failure(.addressTooLong))
    }

    @Test func refusesBadCardsWithTheRightReason() {
        let cases: [(String, CitizenIDCard.Problem)] = [
            ("001099012345|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội", .fieldCount(6)),
            ("001099012345|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021|", .fieldCount(8)),
            ("001099012345|123456789|Nguyễn|Văn An|15031999|Nam|Hà Nội|20042021", .fieldCount(8)),
            ("", .fieldCount(1)),
            ("||||||", .idNumber),
            ("00109901234|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021", .idNumber),  // 11 digits
            ("0010990123456|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021", .idNumber),
            ("00109901234A|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021", .idNumber),
            ("００1099012345|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021", .idNumber),  // full-width digits
            ("001099012345|12345678|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021", .oldIdNumber),
            ("001099012345|12345678X|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021", .oldIdNumber),
            ("001099012345|123456789|  \u{1B}\u{200B} |15031999|Nam|Hà Nội|20042021", .emptyName),
            ("001099012345|123456789|Nguyễn Văn An|31022000|Nam|Hà Nội|20042021", .birthDate),
            ("001099012345|123456789|Nguyễn Văn An|1503199|Nam|Hà Nội|20042021", .birthDate),
            ("001099012345|123456789|Nguyễn Văn An|1999-03-15|Nam|Hà Nội|20042021", .birthDate),
            ("001099012345|123456789|Nguyễn Văn An|00011999|Nam|Hà Nội|20042021", .birthDate),
            ("001099012345|123456789|Nguyễn Văn An|15031999|Male|Hà Nội|20042021", .gender),
            ("001099012345|123456789|Nguyễn Văn An|15031999||Hà Nội|20042021", .gender),
            ("001099012345|123456789|Nguyễn Văn An|15031999|Nam| |20042021", .emptyAddress),
            ("001099012345|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|29022021", .issueDate),
            ("001099012345|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|", .issueDate),
            ("001099012345|123456789|Nguyễn Văn An|15032022|Nam|Hà Nội|20042021", .birthAfterIssue),
        ]
        for (text, problem) in cases {
            #expect(CitizenIDCard.parse(text) == .failure(problem), "\(problem)")
        }
    }

    /// Reasons never carry the card's data.
    @Test func reasonsNeverEchoPersonalData() {
        let problems: [CitizenIDCard.Problem] = [
            .fieldCount(3), .idNumber, .oldIdNumber, .emptyName, .nameTooLong, .birthDate, .gender, .emptyAddress,
            .addressTooLong, .issueDate, .birthAfterIssue,
        ]
        for problem in problems {
            let reason = problem.description
            #expect(reason.hasPrefix("ID card QR: "))
            for secret in ["001099012345", "123456789", "Nguyễn", "31022000", "15031999", "Hà Nội"] {
                #expect(!reason.contains(secret))
            }
        }
        #expect(CitizenIDCard.Problem.birthDate.description == "ID card QR: birth date is not a valid ddmmyyyy date")
    }
}
