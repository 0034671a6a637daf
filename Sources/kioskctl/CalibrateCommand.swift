import ESCPOS
import Foundation
import KioskConfig
import KioskDevices
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskctl calibrate`: the kiosk finds out with its own scanner how its printer prints
/// Vietnamese, cuts and beeps, and writes a local printer profile — a printer set up with no
/// laptop and no profile.
///
/// Prints the calibration sheet (`PrinterCalibration.sheet`: one Vietnamese sample line per
/// candidate — every code page number known for Vietnamese on any shipped profile, CP1258 with
/// composed marks and precomposed only, TCVN-3, user-defined characters, raster — each under a
/// small CODE128; then the cuts and the buzzer), reads the scanner until the technician has
/// scanned the line that reads right, the cut that looks right and the buzzer answer, writes
/// `STATE/printer.local.conf` (kioskd prints with it from its next start; `config check` says
/// so) and prints a confirmation receipt with the new profile. kioskd must be stopped: it
/// holds the printer and the scanner.
enum CalibrateCommand {
    static let help = """
        kioskctl calibrate [--config FILE] [--output FILE] [--sheet-out FILE] [--timeout SECONDS]
          Prints the calibration sheet on the configured printer (stop kioskd first), reads the
          configured scanner until the barcodes of the right Vietnamese line, cut and buzzer answer
          are scanned, writes the local profile (default: StateDirectory/printer.local.conf, which
          kioskd then uses instead of Profile=) and prints a confirmation receipt with it.
          --sheet-out FILE writes the sheet's bytes instead (for kioskctl render) and stops.
        """

    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let configPath = try arguments.option("--config") ?? KioskConfiguration.defaultPath
        let output = try arguments.option("--output")
        let sheetOut = try arguments.option("--sheet-out")
        let timeout = try arguments.option("--timeout").map { text in
            guard let seconds = Int(text), seconds > 0 else {
                throw ArgumentList.UsageError("--timeout is a number of seconds, e.g. 600")
            }
            return seconds
        }
        try arguments.expectEnd()
        let configuration: KioskConfiguration
        do {
            configuration = try KioskConfiguration.load(path: configPath)
        } catch {
            throw CommandFailure(message: "\(configPath) has errors:\n\(error)", exitCode: ExitCode.configError)
        }
        guard let directory = HardwareData.directory("printers") else {
            throw CommandFailure(message: "no printer profiles found (is the kiosk package installed?)")
        }
        let base: PrinterProfile
        do {
            base = try HardwareData.printerProfile(named: configuration.printer.profile)
        } catch {
            throw CommandFailure(message: "[Printer] Profile=: \(error)", exitCode: ExitCode.configError)
        }
        let candidates = CalibrationCandidate.all(inDirectory: directory)
        let sheet = PrinterCalibration.sheet(base: base, candidates: candidates)
        if let sheetOut {
            try OutputFile.write(sheet, to: sheetOut, what: "the calibration sheet (ESC/POS)")
            report(json, ["written": sheetOut, "bytes": "\(sheet.count)", "candidates": "\(candidates.count)"])
            return ExitCode.ok
        }

        let printer = configuration.printer
        let link = PrinterLink(
            configuration: PrinterLinkConfiguration(
                devicePath: printer.device,
                serial: SerialPortSettings(
                    baudRate: SerialPortSettings.BaudRate(rawValue: printer.baud) ?? .b115200,
                    flowControl: SerialPortSettings.FlowControl(rawValue: printer.flowControl.rawValue) ?? .rtscts),
                asksStatus: printer.status && base.hasStatus))
        do {
            let outcome = try await link.print(sheet)
            // Written whole but not confirmed (a printer slow to answer its status, or none):
            // the technician sees whether the sheet came out; only a fault or a cut-off job stops.
            var usable = outcome.isPrinted
            if case .unconfirmed = outcome { usable = true }
            guard usable else {
                await link.stop()
                throw CommandFailure(message: "printer \(printer.device): the calibration sheet: \(outcome)")
            }
        } catch let error as CommandFailure {
            throw error
        } catch {
            await link.stop()
            throw CommandFailure(message: "printer \(printer.device): \(error)")
        }
        if !json {
            FileHandleOutput.standardError(
                "Calibration sheet printed (\(candidates.count) lines). Scan the barcode above the line that reads\n"
                    + "right, then of the cut that looks right, then Yes or No for the buzzer.\n")
        }

        let answers = try await readAnswers(configuration.scanner, timeout: timeout ?? 900, json: json)
        let profile = PrinterCalibration.profile(
            base: base, text: answers.text, cut: answers.cut, buzzer: answers.buzzer)
        let file = output ?? CalibratedProfile.path(stateDirectory: configuration.kiosk.stateDirectory)
        let text = profile.confText(comment: [
            "Written by `kioskctl calibrate` from the calibration sheet, calibrated on this printer.",
            "Base profile: \(base.name). Vietnamese: \(answers.text). Cut: \(answers.cut.rawValue). "
                + "Buzzer: \(answers.buzzer ? "yes" : "no").",
            "kioskd prints with this file instead of [Printer] Profile= while it is in the state directory;",
            "delete it to go back to Profile=, or run kioskctl calibrate again.",
        ])
        try OutputFile.write(Array(text.utf8), to: file, what: "the calibrated printer profile")
        let confirmation = PrinterCalibration.confirmation(profile, text: answers.text, file: file)
        let printed = (try? await link.print(confirmation))?.isPrinted ?? false
        await link.stop()
        report(
            json,
            [
                "written": file, "vietnamese": answers.text.description, "cut": answers.cut.rawValue,
                "buzzer": answers.buzzer ? "yes" : "no", "confirmation": printed ? "printed" : "not printed",
            ])
        return ExitCode.ok
    }

    /// The technician's three answers, read from the scanner (other scans are ignored).
    private static func readAnswers(_ section: KioskConfiguration.Scanner, timeout: Int, json: Bool) async throws
        -> (text: CalibrationCandidate, cut: PrinterProfile.Cutter, buzzer: Bool)
    {
        let keymap: Keymap
        do {
            keymap = try Keymap.load(
                named: section.keymap,
                in: (HardwareData.directory("keymaps").map { [$0] } ?? []) + Keymap.searchDirectories)
        } catch {
            throw CommandFailure(message: error.description, exitCode: ExitCode.configError)
        }
        let settings = ScannerSettings(
            device: section.device, mode: ScannerSettings.Mode(rawValue: section.mode.rawValue) ?? .evdev,
            keymap: keymap, grab: section.grab, scanTimeout: section.scanTimeout)
        let scanner = try BarcodeScanner(settings: settings, logger: Logger(minimum: .warning))
        let deadline = Task {
            try? await Task.sleep(for: .seconds(timeout))
            scanner.stop()
        }
        defer { deadline.cancel() }
        var text: CalibrationCandidate?
        var cut: PrinterProfile.Cutter?
        var buzzer: Bool?
        for await event in scanner.events {
            guard case .scan(let scan) = event, let answer = PrinterCalibration.Answer(scan: scan.text) else {
                continue
            }
            switch answer {
            case .text(let candidate): text = candidate
            case .cut(let kind): cut = kind
            case .buzzer(let sounded): buzzer = sounded
            }
            if !json { FileHandleOutput.standardError("got: \(scan.text)\n") }
            if let text, let cut, let buzzer {
                scanner.stop()
                return (text, cut, buzzer)
            }
        }
        throw CommandFailure(
            message: "no answer from the scanner \(section.device) within \(timeout) s "
                + "(scan the line's, the cut's and the buzzer's barcodes; is kioskd stopped?)")
    }

    private static func report(_ json: Bool, _ fields: [String: String]) {
        if json {
            JSONOutput.print(fields)
        } else {
            print(fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n"))
        }
    }
}
