import ESCPOS
import Foundation

/// The repository's printer profiles, and receipts read back as text, for tests in several
/// modules that check what a flow printed.
package enum ReceiptReading {
    /// The package root, from this file's path.
    package static let repository =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    /// `Hardware/printers`.
    package static let profiles = repository + "/Hardware/printers"

    /// The profile, with the Epson's TCVN-3 code pages on the generic ones, so every line
    /// prints as text the interpreter reads back (the generic profiles would print raster).
    package static func profile(_ name: String) throws -> PrinterProfile {
        var profile = try PrinterProfile.load(named: name, from: profiles)
        profile.codePages = try PrinterProfile.load(named: "epson-tm-t20iii", from: profiles).codePages
        return profile
    }

    /// Joined lines, wrapped text made one again, so a field can be found whatever the width.
    package static func flat(_ rendered: RenderedReceipt) -> String {
        rendered.textLines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            .precomposedStringWithCanonicalMapping
    }
}
