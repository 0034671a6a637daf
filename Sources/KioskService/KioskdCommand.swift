import KioskConfig
import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskd`'s command line: run the service, or the demo, and exit with a sysexits code.
public enum KioskdCommand {
    /// The help text.
    public static let usage = """
        kioskd — the kiosk controller service

        Usage:
          kioskd [--config FILE]   run the service (default config /etc/kiosk/kiosk.conf)
          kioskd --demo            run the whole kiosk on emulated hardware, no setup
          --data-dir DIR           printer profiles, keymaps and examples from DIR (also
                                   KIOSK_DATA_DIR=DIR; default /usr/share/kiosk)
          kioskd --version         print the version
          kioskd --help            print this text

        The configuration is checked before anything is opened: every problem is printed with
        its file, line and key, and kioskd exits 78 (EX_CONFIG). `kioskctl config check FILE`
        prints the same list without starting anything.

        Signals: SIGTERM or SIGINT stop after the work in progress; SIGHUP reloads the config.
        Logs go to stderr, one line an event with a <N> priority prefix, for journald.

        Exit codes: 0 stopped cleanly, 1 failure, 2 usage, 73 state directory or database not
        writable by this user (the message names the owner and the chown that fixes it),
        78 configuration error (a key file others can read is one).
        """

    /// Runs with the words after the program name; returns the exit code. `demo` runs
    /// `kioskd --demo` (KioskDemo, which this module must not import).
    public static func main(arguments: [String], demo: () async -> Int32) async -> Int32 {
        var args = ArgumentList(arguments)
        if args.flag("--help") || args.flag("-h") {
            print(usage)
            return 0
        }
        if args.flag("--version") {
            print("kioskd \(kioskSoftwareVersion)")
            return 0
        }
        let runDemo = args.flag("--demo")
        let configPath: String
        do {
            configPath = try args.option("--config") ?? "/etc/kiosk/kiosk.conf"
            if let dataDirectory = try args.option("--data-dir") { HardwareData.use(directory: dataDirectory) }
            try args.expectEnd()
        } catch {
            FileHandleOutput.standardError("kioskd: \(error)\n\(usage)\n")
            return 2
        }
        // Whatever umask kioskd inherits (a shell's 022, or 000), what it creates is its
        // own: the database holds personal data. The control socket is chmod-ed after bind.
        umask(0o077)
        if runDemo { return await demo() }

        let logger = Logger()
        switch ServiceSetup.load(path: configPath) {
        case .failure(let problems):
            for line in problems.lines { FileHandleOutput.standardError("<3>config: \(line)\n") }
            FileHandleOutput.standardError(
                "<3>kioskd not started: \(problems.lines.count) configuration problem(s) in \(configPath)\n")
            return 78
        case .success(let setup):
            if let level = LogPriority(name: setup.configuration.kiosk.logLevel.rawValue) {
                logger.setMinimum(level)
            }
            let service = KioskService(setup: setup, logger: logger)
            return await service.run(signals: ServiceSignals.system())
        }
    }
}
