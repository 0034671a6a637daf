import KioskConfig
import KioskSystem

/// `kioskctl config show [FILE] [--json]`: the configuration kioskd runs with, every default
/// filled in, and where each value came from (`FILE:LINE` or `default`).
enum ConfigShowCommand {
    static func run(_ arguments: inout ArgumentList, json: Bool) throws -> Int32 {
        let path = arguments.next() ?? KioskConfiguration.defaultPath
        try arguments.expectEnd()
        let result = ConfigurationCheck.check(path: path)
        guard result.isValid else {
            throw CommandFailure.configuration(
                "\(path) has problems (run `kioskctl config check \(path)`)", result.diagnostics)
        }
        let settings = result.effectiveSettings
        if json {
            struct Row: Encodable {
                var section: String
                var key: String
                var value: String
                var origin: String
                var file: String?
                var line: Int?
            }
            JSONOutput.print(
                settings.map {
                    Row(
                        section: $0.section, key: $0.key, value: $0.value, origin: $0.origin, file: $0.file,
                        line: $0.line)
                })
            return ExitCode.ok
        }
        var section = ""
        let width = min(48, (settings.map { $0.key.count + $0.value.count + 1 }.max() ?? 0) + 2)
        for setting in settings {
            if setting.section != section {
                print(section.isEmpty ? "[\(setting.section)]" : "\n[\(setting.section)]")
                section = setting.section
            }
            let assignment = "\(setting.key)=\(setting.value)"
            let padding = String(repeating: " ", count: max(1, width - assignment.count))
            print(assignment + padding + "# " + setting.origin)
        }
        return ExitCode.ok
    }
}
