import Foundation
import KioskProtocol
import Testing

@Suite struct JSONTextTests {
    @Test func escapesQuotesBackslashesAndControls() {
        #expect(JSONText.quoted(#"a"b\c"#) == #""a\"b\\c""#)
        #expect(JSONText.quoted("l1\nl2\r\t\u{08}\u{0C}") == #""l1\nl2\r\t\b\f""#)
        #expect(JSONText.quoted("\u{00}\u{01}\u{1F}") == #""\u0000\u0001\u001f""#)
        #expect(JSONText.quoted("/") == #""/""#)
    }

    @Test func vietnameseTextIsPlainUTF8() {
        #expect(JSONText.quoted("Nguyễn Bá Hoàng") == "\"Nguyễn Bá Hoàng\"")
    }

    @Test(arguments: ["", "plain", "Cấp Phiếu lý lịch tư pháp", "\"\\\u{00}\u{7F}\u{2028}😀", "tab\there\nnew"])
    func parsesBackToTheSameString(text: String) throws {
        let literal = JSONText.quoted(text)
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
        #expect(parsed == [text])
    }
}
