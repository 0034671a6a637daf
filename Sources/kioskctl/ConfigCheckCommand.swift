import KioskConfig
import KioskService
import KioskSystem

/// `kioskctl config check [FILE]`: every problem in kiosk.conf and the files it names — the
/// catalog, the holidays, the central key, the printer profile and the scanner keymap — the
/// same checks kioskd makes before it starts.
enum ConfigCheckCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let path = arguments.next() ?? KioskConfiguration.defaultPath
        try arguments.expectEnd()
        let result = ConfigurationCheck.check(path: path)
        guard result.isValid else {
            print(json ? result.json() : result.text)
            return ExitCode.configError
        }
        // The syntax and values are right; now what kioskd loads besides them.
        if case .failure(let problems) = ServiceSetup.load(path: path) {
            if json {
                let lines = problems.lines.map { ControlValue.string($0) }
                print(ControlValue.object(["ok": .bool(false), "file": .string(path), "problems": .array(lines)]).json)
            } else {
                print(problems.lines.joined(separator: "\n"))
                print("\(problems.lines.count) problem\(problems.lines.count == 1 ? "" : "s") found")
            }
            return ExitCode.configError
        }
        print(json ? result.json() : result.text)
        return ExitCode.ok
    }
}
