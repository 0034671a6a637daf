import ESCPOS
import Foundation
import KioskConfig
import KioskProtocol
import KioskReceipts
import KioskSystem

/// `kioskctl print-catalog`: the sheet citizens scan procedures from, rendered to PNG and
/// text (or raw ESC/POS bytes for a printer) from the configured catalog.
enum PrintCatalogCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) throws -> Int32 {
        let config = try arguments.option("--config") ?? KioskConfiguration.defaultPath
        let png = try arguments.option("--png")
        let text = try arguments.option("--text")
        let raw = try arguments.option("--escpos")
        let profileName = try arguments.option("--profile")
        try arguments.expectEnd()
        guard png != nil || text != nil || raw != nil else {
            throw ArgumentList.UsageError("print-catalog needs --png FILE, --text FILE or --escpos FILE")
        }
        let check = ConfigurationCheck.check(path: config)
        guard check.isValid, let configuration = check.configuration, let catalog = check.catalog else {
            throw CommandFailure.configuration(
                "\(config) has problems (run `kioskctl config check \(config)`)", check.diagnostics)
        }
        let profile = try HardwareData.printerProfile(named: profileName ?? configuration.printer.profile)
        let sheet = CatalogSheet(
            procedures: catalog.procedures, office: configuration.kiosk.office,
            includeTechnicianCodes: configuration.control.technicianCodes)
        let bytes = ESCPOSEncoder.encode(sheet.document(columns: profile.columnsFontA), profile: profile)
        let rendered = ESCPOSInterpreter.interpret(bytes, profile: profile)
        if let png { try OutputFile.write(rendered.png(scale: 1), to: png, what: "the catalog sheet (PNG)") }
        if let text {
            try OutputFile.write(Array(rendered.transcript.utf8), to: text, what: "the catalog sheet (text)")
        }
        if let raw { try OutputFile.write(bytes, to: raw, what: "the catalog sheet (ESC/POS)") }
        if json {
            var writer = JSONWriter()
            writer.object { writer in
                writer.member("procedures", catalog.procedures.count)
                writer.member("bytes", bytes.count)
            }
            print(String(decoding: writer.bytes, as: UTF8.self))
        } else {
            print(
                "catalog sheet: \(catalog.procedures.count) procedures, \(bytes.count) bytes of ESC/POS for \(profile.name)"
            )
        }
        return ExitCode.ok
    }
}
