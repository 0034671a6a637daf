import Dispatch
import Foundation
import KioskConfig
import KioskDevices
import KioskDomain
import KioskProtocol
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskctl scan-test`: reads the scanner directly and prints each scan as it arrives with
/// what it was recognised as, until Ctrl+C (exit 0).
///
/// For a technician at the kiosk: an ID card shows its holder's name in full (to check that
/// the Vietnamese letters came through), the ID number masked to its last 4 digits, the birth
/// year only and the address's length only. That output goes to this terminal and nowhere
/// else: nothing is logged or stored. `--raw` also prints every scan's text as read.
enum ScanTestCommand {
    static let help = """
        kioskctl scan-test [--config FILE] [--device PATH] [--mode evdev|serial|hidpos] [--keymap NAME] [--raw] [--json]
          Reads the scanner (stop kioskd first: it grabs the device) and prints each scan with what
          it was recognised as, until Ctrl+C. Shows personal data of ID cards (the holder's name)
          on this terminal only; it is never logged. A HID-POS scanner (--mode hidpos) also shows
          each scan's symbology (QR Code ]Q1, Code 128 ]C0, ...).
        """

    struct Line: Encodable {
        var kind: String
        var reason: String?
        var characters: Int?
        var value: String?
        var idNumber: String?
        var name: String?
        var birthYear: Int?
        var gender: String?
        var addressCharacters: Int?
        var issueDate: String?
        var scanner: String?
        var raw: String?
        var symbology: String?
    }

    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let configPath = try arguments.option("--config")
        let device = try arguments.option("--device")
        let modeText = try arguments.option("--mode")
        let keymapName = try arguments.option("--keymap")
        let raw = arguments.flag("--raw")
        try arguments.expectEnd()
        let mode = try modeText.map { text in
            guard let mode = ScannerSettings.Mode(rawValue: text) else {
                throw ArgumentList.UsageError("--mode is evdev, serial or hidpos")
            }
            return mode
        }

        var section = KioskConfiguration.Scanner()
        let path = configPath ?? "/etc/kiosk/kiosk.conf"
        if configPath != nil || FileManager.default.fileExists(atPath: path) {
            do {
                section = try KioskConfiguration.load(path: path).scanner
            } catch {
                throw CommandFailure(message: "\(path) has errors:\n\(error)", exitCode: ExitCode.configError)
            }
        }
        let keymap: Keymap
        do {
            keymap = try HardwareData.keymap(named: keymapName ?? section.keymap)
        } catch {
            throw CommandFailure(message: "\(error)", exitCode: ExitCode.configError)
        }
        let settings = ScannerSettings(
            device: device ?? section.device,
            mode: mode ?? ScannerSettings.Mode(rawValue: section.mode.rawValue) ?? .evdev, keymap: keymap,
            grab: section.grab, scanTimeout: section.scanTimeout)

        let scanner = try BarcodeScanner(settings: settings, logger: Logger(minimum: .warning))
        signal(SIGINT, SIG_IGN)
        let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        interrupt.setEventHandler { @Sendable in scanner.stop() }
        interrupt.resume()
        defer {
            interrupt.cancel()
            signal(SIGINT, SIG_DFL)
        }
        if !json {
            FileHandleOutput.standardError(
                "Reading \(settings.device) (\(settings.mode.rawValue), keymap \(keymap.name)). Scan; Ctrl+C to stop.\n"
                    + "ID cards show the holder's name on this terminal only; nothing is logged.\n")
        }
        let parser = ScanParser()
        for await event in scanner.events {
            var line: Line
            switch event {
            case .state(let state):
                line = Line(kind: "state", reason: state.description, scanner: state.healthValue)
            case .dropped(let reason):
                line = Line(kind: "dropped", reason: reason.description)
            case .scan(let scan):
                line = describe(parser.parse(scan.text))
                line.characters = scan.text.unicodeScalars.count
                line.symbology = scan.symbology
                if raw { line.raw = scan.text }
            }
            emit(line, json: json)
        }
        return ExitCode.ok
    }

    static func describe(_ result: Result<Scan, ScanRejection>) -> Line {
        switch result {
        case .failure(let rejection):
            return Line(kind: "rejected", reason: rejection.description)
        case .success(let scan):
            var line = Line(kind: scan.kind)
            switch scan {
            case .idCard(let card):
                line.idNumber = card.applicant.maskedIdNumber
                line.name = card.applicant.name
                line.birthYear = card.applicant.birthDate?.year
                line.gender = card.applicant.gender
                line.addressCharacters = card.applicant.address.count
                line.issueDate = card.issueDate.description
            case .procedureCode(let code): line.value = code
            case .trackingCode(let code): line.value = code.description
            case .postalItem(let item): line.value = item.description
            case .control(let control): line.value = control.rawValue
            }
            return line
        }
    }

    static func emit(_ line: Line, json: Bool) {
        if json {
            FileHandleOutput.standardOutput(((try? JSONDocumentEncoder().encodeToString(line)) ?? "{}") + "\n")
            return
        }
        var text: String
        switch line.kind {
        case "state": text = "scanner \(line.reason ?? "")"
        case "dropped": text = "dropped: \(line.reason ?? "")"
        case "rejected": text = "rejected (\(line.characters ?? 0) characters): \(line.reason ?? "")"
        case "id-card":
            text =
                "id-card  ID \(line.idNumber ?? "")  name \"\(line.name ?? "")\"  born \(line.birthYear.map(String.init) ?? "?")"
                + "  \(line.gender ?? "")  issued \(line.issueDate ?? "")  address \(line.addressCharacters ?? 0) characters"
        default: text = "\(line.kind)  \(line.value ?? "")"
        }
        if let symbology = line.symbology {
            text += "  [" + (AIMSymbology.name(of: symbology).map { "\($0) \(symbology)" } ?? symbology) + "]"
        }
        if let raw = line.raw { text += "\n    raw: \(raw)" }
        FileHandleOutput.standardOutput(text + "\n")
    }
}
