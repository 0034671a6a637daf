/// The kiosk's configuration, `/etc/kiosk/kiosk.conf` (SPEC "Configuration").
///
/// Load it with ``load(path:)``: every problem in the file comes back at once as
/// ``ConfigurationErrors``, each naming the file, line and key. Paths in the file that are
/// relative are taken relative to the file's own directory; the values here are resolved.
public struct KioskConfiguration: Sendable, Equatable {
    /// `[Kiosk]`: identity, office, state and catalog files.
    public var kiosk: Kiosk
    /// `[Printer]`: the serial receipt printer.
    public var printer: Printer
    /// `[Scanner]`: the barcode scanner.
    public var scanner: Scanner
    /// `[Central]`: forwarding to the central server.
    public var central: Central
    /// `[Control]`: the technicians' control socket.
    public var control: Control

    /// Creates a configuration; every section but `[Kiosk]` defaults to its documented defaults.
    public init(
        kiosk: Kiosk, printer: Printer = Printer(), scanner: Scanner = Scanner(), central: Central = Central(),
        control: Control = Control()
    ) {
        self.kiosk = kiosk
        self.printer = printer
        self.scanner = scanner
        self.central = central
        self.control = control
    }

    /// Where kioskd and `kioskctl config check` look when no file is named.
    public static let defaultPath = "/etc/kiosk/kiosk.conf"

    /// The sections kiosk.conf may hold, in the order the example writes them.
    static let sectionNames = ["Kiosk", "Printer", "Scanner", "Central", "Control"]

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(ConfigurationErrors) -> KioskConfiguration {
        switch ConfigFile.contents(path: path) {
        case .success(let bytes): return try parse(bytes: bytes, file: path)
        case .failure(let problem):
            throw ConfigurationErrors(diagnostics: [ConfigDiagnostic(file: path, line: 0, message: problem.message)])
        }
    }

    /// Parses the text of a kiosk.conf; `file` names it in diagnostics and anchors relative paths.
    public static func parse(text: String, file: String) throws(ConfigurationErrors) -> KioskConfiguration {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses the bytes of a kiosk.conf (invalid UTF-8 is reported by line).
    public static func parse(bytes: [UInt8], file: String) throws(ConfigurationErrors) -> KioskConfiguration {
        let result = KioskConfigurationReading(bytes: bytes, file: file)
        guard let configuration = result.configuration else {
            throw ConfigurationErrors(diagnostics: result.diagnostics)
        }
        return configuration
    }
}

/// A path named by a key, with where it was written: for the check to open and to blame.
struct ReferencedFile: Sendable {
    /// The value as written.
    var written: String
    /// Resolved against the configuration file's directory.
    var resolved: String
    /// The entry that names it.
    var entry: INIEntry
}

/// One pass over a kiosk.conf: the configuration when there was no problem, the diagnostics,
/// and the catalog and holiday files it names (known even when other keys are bad, so the
/// check can look at those files too).
struct KioskConfigurationReading {
    var configuration: KioskConfiguration?
    var diagnostics: [ConfigDiagnostic]
    var procedures: ReferencedFile?
    var holidays: ReferencedFile?

    init(bytes: [UInt8], file: String) {
        let document = INIDocument(source: SourceText(bytes: bytes, file: file), file: file)
        var diagnostics = document.diagnostics
        diagnostics += unknownSectionDiagnostics(in: document, known: KioskConfiguration.sectionNames)
        for section in document.sections
        where section.argument != nil && KioskConfiguration.sectionNames.contains(section.name) {
            diagnostics.append(
                ConfigDiagnostic(
                    file: file, line: section.line, section: section.title,
                    message: "this section takes nothing after its name; write [\(section.name)]"))
        }
        func reader(_ name: String, _ keys: [String]) -> SectionReader {
            SectionReader(document: document, section: document.section(name), title: name, knownKeys: keys)
        }

        var kioskReader = reader("Kiosk", KioskConfiguration.Kiosk.keys)
        let kiosk = KioskConfiguration.Kiosk.read(&kioskReader)
        var printerReader = reader("Printer", KioskConfiguration.Printer.keys)
        let printer = KioskConfiguration.Printer.read(&printerReader)
        var scannerReader = reader("Scanner", KioskConfiguration.Scanner.keys)
        let scanner = KioskConfiguration.Scanner.read(&scannerReader)
        var centralReader = reader("Central", KioskConfiguration.Central.keys)
        let central = KioskConfiguration.Central.read(&centralReader)
        var controlReader = reader("Control", KioskConfiguration.Control.keys)
        let control = KioskConfiguration.Control.read(&controlReader)
        for part in [kioskReader, printerReader, scannerReader, centralReader, controlReader] {
            diagnostics += part.diagnostics
        }

        self.diagnostics = diagnostics.sorted { $0.line < $1.line }
        self.procedures = kioskReader.referencedFile("Procedures", default: KioskConfiguration.Kiosk.defaultProcedures)
        self.holidays = kioskReader.referencedFile("Holidays", default: nil)
        if self.diagnostics.isEmpty, let kiosk, let printer, let scanner, let central, let control {
            configuration = KioskConfiguration(
                kiosk: kiosk, printer: printer, scanner: scanner, central: central, control: control
            ).resolvingPaths(relativeTo: file)
        } else {
            configuration = nil
        }
    }
}

extension SectionReader {
    /// The file named by a path key when its value is usable (nil when empty or absent with no default).
    func referencedFile(_ key: String, default defaultPath: String?) -> ReferencedFile? {
        let written: String
        let entry: INIEntry
        if let found = self.entry(key) {
            guard !found.value.isEmpty else { return nil }
            written = found.value
            entry = found
        } else {
            guard let defaultPath else { return nil }
            written = defaultPath
            entry = INIEntry(key: key, value: defaultPath, line: missingLine)
        }
        return ReferencedFile(written: written, resolved: ConfigFile.resolve(written, relativeTo: file), entry: entry)
    }
}

extension KioskConfiguration {
    /// The same configuration with every relative path made relative to `file`'s directory.
    func resolvingPaths(relativeTo file: String) -> KioskConfiguration {
        func resolve(_ path: String) -> String { ConfigFile.resolve(path, relativeTo: file) }
        var copy = self
        copy.kiosk.stateDirectory = resolve(kiosk.stateDirectory)
        copy.kiosk.procedures = resolve(kiosk.procedures)
        copy.kiosk.holidays = kiosk.holidays.map(resolve)
        // A network printer (tcp://HOST:PORT) or a forced USB printer class (usblp:PATH) is not a file path.
        let isAddress = printer.device.hasPrefix("tcp://") || printer.device.hasPrefix("usblp:")
        copy.printer.device = isAddress ? printer.device : resolve(printer.device)
        copy.scanner.device = resolve(scanner.device)
        copy.central.keyFile = resolve(central.keyFile)
        copy.central.caFile = central.caFile.map(resolve)
        copy.central.caPath = central.caPath.map(resolve)
        copy.central.certificate = central.certificate.map(resolve)
        copy.central.privateKey = central.privateKey.map(resolve)
        copy.control.socket = resolve(control.socket)
        return copy
    }
}
