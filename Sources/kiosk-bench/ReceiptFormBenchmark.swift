import ESCPOS
import Foundation
import KioskReceipts
import KioskService

/// The real intake receipt (the national form, `IntakeReceiptSample`) per printer profile and
/// copy count: bytes on the wire, paper length in mm (the interpreter's rendering at the
/// profile's 8 dots/mm), and wire time at 9600 and 115200 baud (bytes × 10 / baud).
///
/// Arguments: `--profiles DIR` (default `Hardware/printers`). See docs/receipt.md for the
/// figures before and after the national form.
func runReceiptFormBenchmark(arguments: [String]) throws {
    var directory = FileManager.default.currentDirectoryPath + "/Hardware/printers"
    if arguments.count == 2, arguments[0] == "--profiles" {
        directory = arguments[1]
    } else if !arguments.isEmpty {
        throw BenchUsage("receipt-form [--profiles DIR]")
    }
    let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".conf") }
        .map { String($0.dropLast(5)) }.sorted()
    print("Intake receipt (national form), wire time = bytes × 10 / baud, length at 8 dots/mm")
    print("profile            copies   bytes  length mm   @9600 s  @115200 s")
    for name in names {
        let profile = try PrinterProfile.load(named: name, from: directory)
        for copies in [1, 2] {
            let bytes = IntakeReceiptSample.bytes(profile: profile, copies: copies)
            let rendered = ESCPOSInterpreter.interpret(bytes, profile: profile)
            let millimetres = Double(rendered.bitmap().height) / 8
            func column(_ text: String, _ width: Int) -> String {
                String(repeating: " ", count: max(0, width - text.count)) + text
            }
            print(
                name.padding(toLength: 18, withPad: " ", startingAt: 0) + column("\(copies)", 7)
                    + column("\(bytes.count)", 8) + column(String(format: "%.0f", millimetres), 11)
                    + column(String(format: "%.2f", Double(bytes.count) * 10 / 9600), 10)
                    + column(String(format: "%.3f", Double(bytes.count) * 10 / 115_200), 11))
        }
    }
}
