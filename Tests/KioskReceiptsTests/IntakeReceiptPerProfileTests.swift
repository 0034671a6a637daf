import ESCPOS
import Foundation
import Testing

@testable import KioskReceipts

/// The real intake receipt (the national form) on every shipped profile as it is — its own
/// code pages, user-defined characters or raster, as the encoder chooses line by line — read
/// back by the interpreter: every line of every text element, letter by letter. A downloaded
/// cell reads as a letter only when its dots are exactly that letter's glyph fitted to the
/// cell (otherwise U+FFFD), so a wrong or shifted download fails here.
@Suite struct IntakeReceiptPerProfileTests {
    static let directory = IntakeReceiptTests.profiles
    static let names: [String] = {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".conf") }
            .map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func everyShippedProfileIsHere() {
        #expect(Self.names.count >= 12 && Self.names.contains("generic-80mm"), "\(Self.names)")
    }

    @Test(arguments: names)
    func nationalFormReadsBackLetterByLetter(profileName: String) throws {
        let profile = try PrinterProfile.load(named: profileName, from: Self.directory)
        let document = IntakeReceiptSample.document(columns: profile.columnsFontA, copies: 1)
        let rendered = ESCPOSInterpreter.interpret(
            IntakeReceiptSample.bytes(profile: profile, copies: 1), profile: profile)
        #expect(rendered.notes.isEmpty, "\(rendered.notes)")
        let lines = rendered.textLines.map {
            $0.trimmingCharacters(in: .whitespaces).precomposedStringWithCanonicalMapping
        }
        let text = lines.joined(separator: "\n")
        #expect(!text.contains("\u{FFFD}") && !text.contains("?"), "\(profileName): \(text)")
        var checked = 0
        for case .text(let value, _) in document.elements {
            for line in value.split(separator: "\n") {
                let expected = PrintableText.sanitize(String(line)).trimmingCharacters(in: .whitespaces)
                    .precomposedStringWithCanonicalMapping
                guard !expected.isEmpty else { continue }
                #expect(lines.contains { $0.contains(expected) }, "\(profileName): '\(expected)' not read back")
                checked += 1
            }
        }
        #expect(checked > 20)
    }
}
