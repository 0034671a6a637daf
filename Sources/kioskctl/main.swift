import KioskConfig
import KioskControl
import KioskProtocol
import KioskStore
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// kioskctl's exit codes (sysexits where one fits).
enum ExitCode {
    static let ok: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    static let serviceUnavailable: Int32 = 69
    static let configError: Int32 = 78
}

/// `kioskctl status` exit codes, as `systemctl is-active` has them.
enum StatusExitCode {
    static let healthy: Int32 = 0
    static let degraded: Int32 = 1
    static let notRunning: Int32 = 3
    static let unknown: Int32 = 4
}

/// Runs one command; returns the exit code.
func kioskctl(_ words: [String]) async -> Int32 {
    var arguments = ArgumentList(words)
    let wantsHelp = arguments.flag("--help") || arguments.flag("-h")
    if arguments.flag("--version") || arguments.flag("-V") {
        print("kioskctl \(kioskSoftwareVersion)")
        return ExitCode.ok
    }
    if arguments.remaining.first == "help" {
        _ = arguments.next()
        guard let name = arguments.next() else {
            print(CommandHelp.overview)
            return ExitCode.ok
        }
        guard let page = CommandHelp.pages[name] else {
            FileHandleOutput.standardError("kioskctl: no command \(name)\nRun `kioskctl --help` for the commands.\n")
            return ExitCode.usage
        }
        print(page)
        return ExitCode.ok
    }
    if wantsHelp || arguments.remaining.isEmpty {
        print(arguments.remaining.first.flatMap { CommandHelp.pages[$0] } ?? CommandHelp.overview)
        return ExitCode.ok
    }
    let json = arguments.flag("--json")
    let code: Int32
    do {
        if let dataDirectory = try arguments.option("--data-dir") { HardwareData.use(directory: dataDirectory) }
        switch arguments.next() {
        case "config":
            switch arguments.next() {
            case "check": code = try await ConfigCheckCommand.run(&arguments, json: json)
            case "show": code = try ConfigShowCommand.run(&arguments, json: json)
            default: throw ArgumentList.UsageError("kioskctl config: use `config check [FILE]` or `config show [FILE]`")
            }
        case "status":
            code = try await StatusCommand.run(&arguments, json: json)
        case "print-catalog":
            code = try PrintCatalogCommand.run(&arguments, json: json)
        case "queue":
            code = try await QueueCommand.run(&arguments, json: json)
        case "render":
            code = try await RenderCommand.run(&arguments, json: json)
        case "test-print":
            code = try await TestPrintCommand.run(&arguments, json: json)
        case "lookup":
            code = try LookupCommand.run(&arguments, json: json)
        case "reprint":
            code = try ReprintCommand.run(&arguments, json: json)
        case "watch":
            code = try WatchCommand.run(&arguments, json: json)
        case "devices":
            code = try await DevicesCommand.run(&arguments, json: json)
        case "scan-test":
            code = try await ScanTestCommand.run(&arguments, json: json)
        case "calibrate":
            code = try await CalibrateCommand.run(&arguments, json: json)
        case "report":
            code = try await ReportCommand.run(&arguments, json: json)
        case "version":
            try arguments.expectEnd()
            if json {
                var writer = JSONWriter()
                writer.object { writer in
                    writer.member("schemaVersion", KioskStore.schemaVersion)
                    writer.member("version", kioskSoftwareVersion)
                }
                print(String(decoding: writer.bytes, as: UTF8.self))
            } else {
                print("kioskctl \(kioskSoftwareVersion) (database schema \(KioskStore.schemaVersion))")
            }
            code = ExitCode.ok
        case let other?:
            throw ArgumentList.UsageError("unknown command \(other)")
        case nil:
            throw ArgumentList.UsageError("a command is needed")
        }
    } catch let error as ArgumentList.UsageError {
        if json {
            ErrorOutput.report(CommandFailure(message: error.description), json: true)
        } else {
            FileHandleOutput.standardError("kioskctl: \(error)\nRun `kioskctl --help` for the commands.\n")
        }
        code = ExitCode.usage
    } catch let error as CommandFailure {
        ErrorOutput.report(error, json: json)
        code = error.exitCode
    } catch let error as ControlClientError {
        ErrorOutput.report(ServiceConnection.failure(error), json: json)
        code = ServiceConnection.failure(error).exitCode
    } catch {
        ErrorOutput.report(CommandFailure(message: "\(error)"), json: json)
        code = ExitCode.failure
    }
    return code
}

exit(await kioskctl(Array(CommandLine.arguments.dropFirst())))
