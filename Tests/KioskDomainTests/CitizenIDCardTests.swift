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
        #expect(card.applicant.birthDate?.calendarDay == CalendarDay(year: 1999, month: 3, day: 15))
        #expect(card.layout == .sevenFields)
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
            let id = expected == "Nam" ? "001099012345" : "001199012345"  // 4th digit: 0 male, 1 female
            let text = "\(id)||Lê A|15031999|\(given)|Hà Nội|20042021"
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
            ("001099012345|123456789|Nguyễn|Văn An|15031999|Nam|Hà Nội|20042021", .birthDate),
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
            ("001099012345|123456789|Nguyễn Văn An|15001999|Nam|Hà Nội|20042021", .birthDate),  // day, no month
            ("001099012345|123456789|Nguyễn Văn An|199|Nam|Hà Nội|20042021", .birthDate),
            ("001099012345|123456789|Nguyễn Văn An|15031999|Male|Hà Nội|20042021", .gender),
            ("001099012345|123456789|Nguyễn Văn An|15031999||Hà Nội|20042021", .gender),
            ("001099012345|123456789|Nguyễn Văn An|15031999|Nam| |20042021", .emptyAddress),
            ("001099012345|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|29022021", .issueDate),
            ("001099012345|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|", .issueDate),
            ("001222012345|123456789|Nguyễn Văn An|15032022|Nam|Hà Nội|20042021", .birthAfterIssue),
            ("123456789|123456789|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021", .oldCardNumber),
            ("001099012345|1234567890|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021", .oldIdNumber),
        ]
        for (text, problem) in cases {
            #expect(CitizenIDCard.parse(text) == .failure(problem), "\(problem)")
        }
    }

    /// Reasons never carry the card's data.
    @Test func reasonsNeverEchoPersonalData() {
        let problems: [CitizenIDCard.Problem] = [
            .fieldCount(3), .idNumber, .oldIdNumber, .emptyName, .nameTooLong, .birthDate, .gender, .emptyAddress,
            .addressTooLong, .issueDate, .birthAfterIssue, .oldCardNumber, .idNumberMismatch(.provinceCode),
            .idNumberMismatch(.gender), .idNumberMismatch(.birthYear),
        ]
        for problem in problems {
            let reason = problem.description
            #expect(reason.hasPrefix("ID card QR: "))
            for secret in ["001099012345", "123456789", "Nguyễn", "31022000", "15031999", "Hà Nội"] {
                #expect(!reason.contains(secret))
            }
        }
        #expect(
            CitizenIDCard.Problem.birthDate.description == "ID card QR: birth date is not a valid ddmmyyyy date or year"
        )
    }

    // MARK: Layouts of 2016–2026 cards (docs/id-card.md)

    @Test func acceptsATrailingBar() throws {
        let card = try CitizenIDCard.parse(Self.valid + "|").get()
        #expect(card.layout == .sevenFields)
        #expect(card.issueDate == CalendarDay(year: 2021, month: 4, day: 20))
        #expect(card.ignoredFieldCount == 0)
    }

    @Test func acceptsTheElevenFieldLayoutOfCanCuoc2024() throws {
        // Căn cước from 1 July 2024: the seven fields, then four more (empty here), with and
        // without a trailing bar.
        for tail in ["||||", "|||||", "|a|b||"] {
            let card = try CitizenIDCard.parse(Self.valid + tail).get()
            #expect(card.layout == .elevenFields, "\(tail)")
            #expect(card.applicant.idNumber == "001099012345")
            #expect(card.ignoredFieldCount == 0)
        }
    }

    @Test func ignoresUnknownExtraFieldsAndCountsThem() throws {
        let card = try CitizenIDCard.parse(Self.valid + "|x|y").get()
        #expect(card.layout == .other)
        #expect(card.ignoredFieldCount == 2)
        #expect(scalars(card.applicant.address) == scalars("Số 12, phố Hàng Bạc, Hoàn Kiếm, Hà Nội"))
        #expect(!card.description.contains("x"))
    }

    @Test func keepsAnUnknownBirthDayOrMonthAsUnknown() throws {
        let cases: [(String, BirthDate, String)] = [
            ("00001999", BirthDate(year: 1999)!, "1999"),
            ("00031999", BirthDate(year: 1999, month: 3)!, "1999-03"),
            ("1999", BirthDate(year: 1999)!, "1999"),
            ("15031999", BirthDate(year: 1999, month: 3, day: 15)!, "1999-03-15"),
        ]
        for (field, expected, iso) in cases {
            let text = "001099012345|123456789|Nguyễn Văn An|\(field)|Nam|Hà Nội|20042021"
            let card = try CitizenIDCard.parse(text).get()
            #expect(card.applicant.birthDate == expected, "\(field)")
            #expect(card.applicant.birthDate?.description == iso)
            #expect(BirthDate(iso: iso) == expected)
        }
        #expect(BirthDate(year: 1999)?.calendarDay == nil)
        #expect(BirthDate(year: 1999, month: 3)?.vietnamese == "03/1999")
    }

    @Test func acceptsOldNumbersOfNineOrTwelveDigits() throws {
        for old in ["123456789", "001099000111", ""] {
            let text = "001099012345|\(old)|Nguyễn Văn An|15031999|Nam|Hà Nội|20042021"
            #expect(try CitizenIDCard.parse(text).get().oldIdNumber == (old.isEmpty ? nil : old))
        }
    }

    @Test func crossChecksTheTwelveDigitNumber() throws {
        let cases: [(String, String, String, PersonalIdentificationNumber.Mismatch?)] = [
            ("001099012345", "15031999", "Nam", nil),
            ("079303001234", "01012003", "Nữ", nil),  // 21st century, female
            ("015190012345", "00001990", "Nữ", nil),  // Yên Bái's code, year only known
            ("003099012345", "15031999", "Nam", .provinceCode),  // 003 is no province
            ("001199012345", "15031999", "Nam", .gender),  // 1 = female
            ("001098012345", "15031999", "Nam", .birthYear),
            ("001299012345", "15031999", "Nam", .birthYear),  // 2 = 21st century
        ]
        for (id, birth, gender, mismatch) in cases {
            let text = "\(id)||Nguyễn Văn An|\(birth)|\(gender)|Hà Nội|20042021"
            if let mismatch {
                #expect(CitizenIDCard.parse(text) == .failure(.idNumberMismatch(mismatch)), "\(id)")
            } else {
                #expect((try? CitizenIDCard.parse(text).get()) != nil, "\(id)")
            }
        }
    }

    @Test func aMisreadAsksForARescanAndAnUnusableCardSendsToTheCounter() {
        let misread = SessionRefusal.invalidScan(.idCard(.idNumberMismatch(.birthYear)))
        #expect(misread.code == "invalid-scan")
        #expect(misread.vietnamese.contains("quét lại"))
        for problem: CitizenIDCard.Problem in [.oldCardNumber, .emptyAddress, .birthAfterIssue, .nameTooLong] {
            let refusal = SessionRefusal.invalidScan(.idCard(problem))
            #expect(refusal.code == "id-card-unusable")
            #expect(refusal.vietnamese.contains("Vui lòng đến quầy"))
            #expect(!refusal.vietnamese.contains("quét lại"))
            #expect(refusal.description.contains("counter"))
        }
    }
}
