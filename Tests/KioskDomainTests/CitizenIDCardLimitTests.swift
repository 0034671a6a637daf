import KioskDomain
import Testing

/// Name and address limits count Unicode code points and UTF-8 bytes, not characters: one
/// character of 30,000 combining marks (60 KB) was accepted, stored and forwarded before.
@Suite struct CitizenIDCardLimitTests {
    private func qr(name: String = "Nguyễn Bá Hoàng", address: String = "Thôn 3, xã Mậu A") -> String {
        "001095012345||\(name)|14031995|Nam|\(address)|01022021"
    }

    @Test func oneCharacterOfThirtyThousandCombiningMarksIsTooLong() {
        let name = "A" + String(repeating: "\u{0301}\u{0323}", count: 15_000)
        #expect(name.count == 1)
        #expect(CitizenIDCard.parse(qr(name: name)) == .failure(.nameTooLong))
        #expect(CitizenIDCard.parse(qr(address: name)) == .failure(.addressTooLong))
    }

    @Test func fourByteCodePointsMeetTheByteLimit() {
        // 100 code points, 400 bytes: within the code-point limit, over the byte limit.
        let name = String(repeating: "\u{1D538}", count: CitizenIDCard.maximumNameLength)
        #expect(CitizenIDCard.parse(qr(name: name)) == .failure(.nameTooLong))
        let address = String(repeating: "\u{1D538}", count: CitizenIDCard.maximumAddressLength)
        #expect(CitizenIDCard.parse(qr(address: address)) == .failure(.addressTooLong))
    }

    @Test func longestVietnameseNameAndAddressAreAccepted() throws {
        // "Ữ" composed is one code point of 3 bytes: the limits admit 100 and 300 of them.
        let name = String(repeating: "Ữ", count: CitizenIDCard.maximumNameLength)
        let address = String(repeating: "Ữ", count: CitizenIDCard.maximumAddressLength)
        let card = try CitizenIDCard.parse(qr(name: name, address: address)).get()
        #expect(card.applicant.name.unicodeScalars.count == CitizenIDCard.maximumNameLength)
        #expect(CitizenIDCard.parse(qr(name: name + "Ữ")) == .failure(.nameTooLong))
        // Decomposed input (U + horn + tilde) is composed first, so it counts the same.
        let decomposed = String(repeating: "U\u{031B}\u{0303}", count: CitizenIDCard.maximumNameLength)
        #expect((try? CitizenIDCard.parse(qr(name: decomposed)).get()) != nil)
    }
}
