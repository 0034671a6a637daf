import KioskConfig

/// A command that could not do its work: the message for the technician and the exit code,
/// and where in a configuration file the problem is, when it is there.
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32 = ExitCode.failure
    var file: String? = nil
    var line: Int? = nil
    var key: String? = nil

    /// A configuration problem: the message lists every diagnostic; `file`, `line` and `key`
    /// are the first one's.
    static func configuration(_ lead: String, _ diagnostics: [ConfigDiagnostic]) -> CommandFailure {
        let first = diagnostics.first
        return CommandFailure(
            message: ([lead] + diagnostics.map(\.description)).joined(separator: "\n"), exitCode: ExitCode.configError,
            file: first?.file, line: first.map { $0.line > 0 ? $0.line : nil } ?? nil, key: first?.key)
    }
}
