import ESCPOS
import Foundation
import KioskConfig
import KioskSystem

/// `kioskctl render FILE --png OUT [--text] [--profile NAME] [--profiles DIR] [--scale N]`:
/// what an ESC/POS byte stream prints, as a PNG image and (with `--text`) a transcript.
enum RenderCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let output = try arguments.option("--png")
        let withText = arguments.flag("--text")
        let profileName = try arguments.option("--profile")
        let profilesDirectory = try arguments.option("--profiles")
        let scale =
            try arguments.option("--scale").map { text in
                guard let n = Int(text), (1...8).contains(n) else {
                    throw ArgumentList.UsageError("--scale needs 1 to 8")
                }
                return n
            } ?? 1
        guard let input = arguments.next() else {
            throw ArgumentList.UsageError("render needs a FILE of ESC/POS bytes")
        }
        try arguments.expectEnd()
        guard output != nil || withText || json else {
            throw ArgumentList.UsageError("render needs --png OUT, --text or --json")
        }
        guard let data = FileManager.default.contents(atPath: input) else {
            throw CommandFailure(message: "cannot read \(input)")
        }
        let profile = try profileName.map { name in try PrinterProfiles.load(name, directory: profilesDirectory) }
        let rendered = ESCPOSInterpreter.interpret(Array(data), profile: profile)
        if let output {
            try OutputFile.write(rendered.png(scale: scale), to: output, what: "the rendered image (PNG)")
        }
        if json {
            struct Rendered: Encodable {
                var bytes: Int
                var lines: [String]
                var statusRequests: [UInt8]
                var notes: [String]
                var png: String?
            }
            JSONOutput.print(
                Rendered(
                    bytes: data.count, lines: rendered.textLines, statusRequests: rendered.statusRequests,
                    notes: rendered.notes, png: output))
        } else if withText {
            print(rendered.transcript, terminator: "")
        }
        return ExitCode.ok
    }
}

/// Where printer profiles are found: `--profiles DIR`, else the data folder's `printers`
/// (`--data-dir`, `$KIOSK_DATA_DIR` or `/usr/share/kiosk`: `HardwareData`).
enum PrinterProfiles {
    static func load(_ name: String, directory: String?) throws -> PrinterProfile {
        let candidates = [directory ?? HardwareData.root.path + "/printers"]
        for folder in candidates where FileManager.default.fileExists(atPath: folder + "/" + name + ".conf") {
            do {
                return try PrinterProfile.load(named: name, from: folder)
            } catch {
                throw CommandFailure(message: "\(error)", exitCode: ExitCode.configError)
            }
        }
        throw CommandFailure(
            message: "no printer profile \(name) in \(candidates.joined(separator: ", ")) (use --profiles DIR)",
            exitCode: ExitCode.configError)
    }
}
