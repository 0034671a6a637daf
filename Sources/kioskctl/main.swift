import KioskService
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

let usage = """
    kioskctl — the technician's tool for the kiosk controller

    Usage:
      kioskctl config check [FILE] [--json]   check kiosk.conf and the files it names
      kioskctl status [--json]                the service (printer, scanner, forwarder) when it
                                              runs; outbox backlog, dead letters, last delivery
      kioskctl queue list [--limit N] [--json]  events waiting for the central server
      kioskctl queue dead [--json]            events the server rejected, with its reasons
      kioskctl queue requeue ID|--all         send dead letters again
      kioskctl print-catalog --png OUT [--text OUT] [--escpos OUT] [--profile NAME]
                                          the procedure sheet citizens scan from
      kioskctl render FILE --png OUT [--text] [--profile NAME]  what ESC/POS bytes print
      kioskctl test-print [--config FILE] [--device PATH] [--profile NAME] [--out FILE]
                                              test page: styles, barcode, QR, Vietnamese
      kioskctl lookup CODE [--print] [--json] a dossier's status from the service (--print: slip)
      kioskctl reprint CODE [--json]          the service prints a receipt again, marked reprint
      kioskctl watch [--json]                 the service's events live (scans, state changes)
      kioskctl devices [--json]               input devices (scanners?) and serial ports, udev rules
      kioskctl scan-test [--device PATH] [--mode evdev|serial] [--keymap NAME] [--raw] [--json]
                                              live decoded scans until Ctrl+C (stop kioskd first;
                                              shows ID-card names on this terminal only)
      kioskctl version

    Where the database is: --config FILE (default /etc/kiosk/kiosk.conf, its StateDirectory=),
    or --state-dir DIR, or --db FILE. These commands read the database directly, so they work
    whether kioskd is running or not. lookup, reprint and watch ask the running kioskd over its
    control socket: --socket PATH, or [Control] Socket= of --config FILE; you need to be in the
    socket's group ([Control] Group=, default kiosk-tech). --timeout SECONDS: how long to wait
    for kioskd's answer (default 60, status 10).

    Printer profiles and keymaps: --data-dir DIR or KIOSK_DATA_DIR=DIR (default
    /usr/share/kiosk, where the package installs them; never the current directory).

    Examples:
      kioskctl config check /etc/kiosk/kiosk.conf
      kioskctl queue dead --json | jq .
      kioskctl queue requeue 6f1c1b2e-3c39-4f7e-9d8a-0b6a3f1e2c11

    Exit codes: 0 ok, 1 failure, 2 usage, 69 service unavailable, 78 configuration error.
    """

/// Runs one command; returns the exit code.
func kioskctl(_ words: [String]) async -> Int32 {
    var arguments = ArgumentList(words)
    if arguments.flag("--help") || arguments.flag("-h") || arguments.remaining.isEmpty {
        print(usage)
        return ExitCode.ok
    }
    let code: Int32
    do {
        let json = arguments.flag("--json")
        if let dataDirectory = try arguments.option("--data-dir") { HardwareData.use(directory: dataDirectory) }
        switch arguments.next() {
        case "config":
            guard arguments.next() == "check" else {
                throw ArgumentList.UsageError("kioskctl config: use `config check [FILE]`")
            }
            code = try ConfigCheckCommand.run(&arguments, json: json)
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
        case "version":
            try arguments.expectEnd()
            print(json ? "{\"version\":\"\(kioskSoftwareVersion)\"}" : "kioskctl \(kioskSoftwareVersion)")
            code = ExitCode.ok
        case let other?:
            throw ArgumentList.UsageError("unknown command \(other)")
        case nil:
            throw ArgumentList.UsageError("a command is needed")
        }
    } catch let error as ArgumentList.UsageError {
        FileHandleOutput.standardError("kioskctl: \(error)\nRun `kioskctl --help` for the commands.\n")
        code = ExitCode.usage
    } catch let error as CommandFailure {
        FileHandleOutput.standardError("kioskctl: \(error.message)\n")
        code = error.exitCode
    } catch {
        FileHandleOutput.standardError("kioskctl: \(error)\n")
        code = ExitCode.failure
    }
    return code
}

exit(await kioskctl(Array(CommandLine.arguments.dropFirst())))
