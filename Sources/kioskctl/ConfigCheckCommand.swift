import KioskConfig
import KioskDevices
import KioskProtocol
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskctl config check [FILE] [--user NAME] [--unit FILE]`: every problem in one pass —
/// kiosk.conf and the files it names (catalog, holidays, central key, printer profile,
/// scanner keymap), and what kioskd will meet when it runs as its user (state directory, key
/// file permissions, control socket, devices). Exit 0 when there is no error, 78 when there
/// is; warnings (a device not plugged in now) do not change it.
enum ConfigCheckCommand {
    /// One problem in `--json`: one schema for every problem.
    struct Problem: Encodable {
        var severity: String
        var message: String
        var text: String
        var file: String
        var line: Int?
        var section: String?
        var key: String?
        var value: String?

        init(_ diagnostic: ConfigDiagnostic, severity: String) {
            self.severity = severity
            message = diagnostic.message
            text = diagnostic.description
            file = diagnostic.file
            line = diagnostic.line > 0 ? diagnostic.line : nil
            section = diagnostic.section
            key = diagnostic.key
            value = diagnostic.value
        }
    }

    /// The `--json` document.
    struct Report: Encodable {
        var ok: Bool
        var file: String
        var errors: Int
        var warnings: Int
        var problems: [Problem]
        var filesRead: [String]
        var kioskId: String?
        var user: String
    }

    static func run(_ arguments: inout ArgumentList, json: Bool) async throws -> Int32 {
        let user = try arguments.option("--user")
        let unit = try arguments.option("--unit")
        let path = arguments.next() ?? KioskConfiguration.defaultPath
        try arguments.expectEnd()
        var account = ServiceAccount.installed()
        if let unit {
            guard let read = ServiceAccount.fromUnit(path: unit) else {
                throw CommandFailure(message: "cannot read the unit file \(unit)")
            }
            account = read
        }
        if let user {
            account.user = user
            // The user's own primary group stands in for Group= when the unit's does not exist.
            if getgrnam(account.group) == nil, let entry = getpwnam(user), let group = getgrgid(entry.pointee.pw_gid),
                let name = group.pointee.gr_name
            {
                account.group = String(cString: name)
            }
        }
        var result = ConfigurationCheck.check(path: path, account: account)
        result.diagnostics += serviceFileProblems(result, serviceGroup: getgrnam(account.group)?.pointee.gr_gid)
        var seen = Set<ConfigDiagnostic>()
        result.diagnostics = result.diagnostics.filter { seen.insert($0).inserted }
        if json {
            let problems =
                result.diagnostics.map { Problem($0, severity: "error") }
                + result.warnings.map { Problem($0, severity: "warning") }
            JSONOutput.print(
                Report(
                    ok: result.isValid, file: path, errors: result.diagnostics.count, warnings: result.warnings.count,
                    problems: problems, filesRead: result.filesRead, kioskId: result.configuration?.kiosk.id,
                    user: account.user))
        } else {
            var lines = result.isValid ? [result.text] : result.diagnostics.map(\.description)
            if let configuration = result.configuration,
                let (_, source) = try? CalibratedProfile.load(
                    configured: configuration.printer.profile, stateDirectory: configuration.kiosk.stateDirectory)
            {
                lines.append(source)
            }
            lines += result.warnings.map { "warning: \($0.description)" }
            if !result.isValid || !result.warnings.isEmpty {
                let errors = result.diagnostics.count
                let warnings = result.warnings.count
                lines.append(
                    "\(errors) problem\(errors == 1 ? "" : "s") found"
                        + (warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : "")
                        + " (judged for kioskd's user \(account.user))")
            }
            print(lines.joined(separator: "\n"))
        }
        return result.isValid ? ExitCode.ok : ExitCode.configError
    }

    /// What kioskd loads besides kiosk.conf's values: the printer profile, the scanner keymap,
    /// the central key's contents — each reported on the line of the key that names it. The
    /// key's permissions are judged for `serviceGroup` (kioskd's Group=, when it exists here):
    /// the package's `root:kiosk 0640` is right for kioskd even when root runs the check.
    static func serviceFileProblems(_ result: ConfigurationCheckResult, serviceGroup: gid_t?) -> [ConfigDiagnostic] {
        guard let configuration = result.configuration else { return [] }
        var problems: [ConfigDiagnostic] = []
        func report(_ section: String, _ key: String, _ value: String, _ message: String) {
            problems.append(
                ConfigDiagnostic(
                    file: result.file, line: result.keyLines["\(section).\(key)"] ?? 0, section: section, key: key,
                    value: value, message: message))
        }
        do {
            _ = try CalibratedProfile.load(
                configured: configuration.printer.profile, stateDirectory: configuration.kiosk.stateDirectory)
        } catch {
            report("Printer", "Profile", configuration.printer.profile, "\(error)")
        }
        do {
            _ = try Keymap.load(
                named: configuration.scanner.keymap,
                in: (HardwareData.directory("keymaps").map { [$0] } ?? []) + Keymap.searchDirectories)
        } catch {
            report("Scanner", "Keymap", configuration.scanner.keymap, "\(error)")
        }
        let keyAlreadyReported = result.diagnostics.contains { $0.section == "Central" && $0.key == "KeyFile" }
        if configuration.central.url != nil, !keyAlreadyReported {
            do {
                _ = try KioskKey(contentsOfFile: configuration.central.keyFile, readerGroup: serviceGroup)
            } catch {
                report("Central", "KeyFile", configuration.central.keyFile, error.reason)
            }
        }
        return problems
    }
}
