import ESCPOS
import Foundation
import KioskConfig
import KioskControl
import KioskDevices
import KioskReceipts
import KioskSystem

/// `kioskctl test-print [--config FILE] [--device PATH] [--profile NAME] [--profiles DIR]
/// [--baud N] [--flow none|rtscts|xonxoff] [--out FILE]`: a test page with every text style,
/// a CODE128 barcode, a QR code, and the Vietnamese alphabet in every code page the profile
/// has, then as the encoder chooses and as raster. Printed on the device (with a status check
/// before and after), or written to `--out FILE` for `kioskctl render`.
enum TestPrintCommand {

    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let explicitDevice = arguments.remaining.contains { $0 == "--device" || $0.hasPrefix("--device=") }
        let writesFile = arguments.remaining.contains { $0 == "--out" || $0.hasPrefix("--out=") }
        let endpoint = try ServiceConnection.endpoint(&arguments, consumingConfig: false)
        // While kioskd runs it holds the printer (TIOCEXCL): the page goes through its queue.
        if !explicitDevice && !writesFile {
            do {
                let answer = try ServiceConnection.client(endpoint).request(.object(["request": .string("test-print")]))
                if answer.isErrorAnswer {
                    throw CommandFailure(message: "kioskd: \(answer["message"]?.stringValue ?? "test-print refused")")
                }
                report(json, ["printedBy": "kioskd", "printJob": "\(answer["printJob"]?.intValue ?? 0)"])
                return ExitCode.ok
            } catch let error as ControlClientError where error.meansServiceUnavailable {
                // Not running: print on the device directly below.
            }
        }
        let configPath = try arguments.option("--config")
        var device = try arguments.option("--device")
        var profileName = try arguments.option("--profile")
        let profilesDirectory = try arguments.option("--profiles")
        var baud = try arguments.option("--baud").map { text in
            guard let n = Int(text), SerialPortSettings.BaudRate(rawValue: n) != nil else {
                throw ArgumentList.UsageError("--baud must be one of 9600 19200 38400 57600 115200 230400")
            }
            return n
        }
        var flow = try arguments.option("--flow").map { text in
            guard let f = SerialPortSettings.FlowControl(rawValue: text) else {
                throw ArgumentList.UsageError("--flow must be none, rtscts or xonxoff")
            }
            return f
        }
        let out = try arguments.option("--out")
        try arguments.expectEnd()
        var asksStatus = true
        if configPath != nil || (device == nil && out == nil) {
            let path = configPath ?? "/etc/kiosk/kiosk.conf"
            do {
                let printer = try KioskConfiguration.load(path: path).printer
                device = device ?? printer.device
                profileName = profileName ?? printer.profile
                baud = baud ?? printer.baud
                flow = flow ?? SerialPortSettings.FlowControl(rawValue: printer.flowControl.rawValue)
                asksStatus = printer.status
            } catch {
                throw CommandFailure(message: "\(error)", exitCode: ExitCode.configError)
            }
        }
        let profile = try PrinterProfiles.load(profileName ?? "generic-80mm", directory: profilesDirectory)
        let bytes = page(for: profile)
        if let out {
            try OutputFile.write(bytes, to: out, what: "the test page (ESC/POS)")
            report(json, ["written": out, "bytes": "\(bytes.count)", "profile": profile.name])
            return ExitCode.ok
        }
        guard let device else {
            throw ArgumentList.UsageError("test-print needs --device PATH, --config FILE or --out FILE")
        }
        let settings = SerialPortSettings(
            baudRate: SerialPortSettings.BaudRate(rawValue: baud ?? profile.defaultBaud) ?? .b115200,
            flowControl: flow ?? .rtscts)
        let link = PrinterLink(
            configuration: PrinterLinkConfiguration(
                devicePath: device, serial: settings, asksStatus: asksStatus && profile.hasStatus))
        do {
            let outcome = try await link.print(bytes)
            await link.stop()
            report(json, ["device": device, "bytes": "\(bytes.count)", "outcome": outcome.description])
            return outcome.isPrinted ? ExitCode.ok : ExitCode.failure
        } catch {
            await link.stop()
            throw CommandFailure(message: error.description)
        }
    }

    private static func report(_ json: Bool, _ fields: [String: String]) {
        if json {
            JSONOutput.print(fields)
        } else {
            print(fields.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n"))
        }
    }

    /// The test page's bytes for `profile`.
    static func page(for profile: PrinterProfile) -> [UInt8] { TestPage.bytes(for: profile) }
}
