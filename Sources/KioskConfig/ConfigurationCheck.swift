import KioskProtocol

/// What `kioskctl config check` reports: every problem in kiosk.conf and in the catalog and
/// holiday files it names, and what could be loaded.
public struct ConfigurationCheckResult: Sendable {
    /// The kiosk.conf that was checked.
    public var file: String
    /// The configuration, when kiosk.conf has no problem.
    public var configuration: KioskConfiguration?
    /// The catalog, when its file has no problem.
    public var catalog: ProcedureCatalog?
    /// The holiday list, when one is configured and its file has no problem.
    public var holidays: HolidayList?
    /// Where the catalog was read from, when it could be read.
    public var catalogFile: String?
    /// Where the holiday list was read from, when one is configured and could be read.
    public var holidaysFile: String?
    /// Every file that was read, in order (kiosk.conf first).
    public var filesRead: [String]
    /// Every problem in every file: kiosk.conf's first, then the catalog's, then the holidays'.
    public var diagnostics: [ConfigDiagnostic]

    /// Facts that do not stop kioskd but a technician should know (a device not plugged in).
    public var warnings: [ConfigDiagnostic] = []
    /// The line of each key written in kiosk.conf, by `Section.Key` (`Printer.Profile`).
    public var keyLines: [String: Int] = [:]

    /// True when nothing is wrong: `kioskd` would start (exit 0 rather than 78).
    public var isValid: Bool { diagnostics.isEmpty }

    /// The data of the result, for `--json`.
    public var summary: ConfigurationCheckSummary {
        ConfigurationCheckSummary(
            ok: isValid, file: file, filesRead: filesRead, kioskId: configuration?.kiosk.id,
            procedures: catalog?.procedures.count, holidays: holidays?.days.count,
            workingDays: holidays?.workingDays.count, diagnostics: diagnostics)
    }

    /// The summary as one line of JSON with sorted keys.
    public func json() -> String {
        (try? JSONDocumentEncoder().encodeToString(summary)) ?? "{\"ok\":false}"
    }

    /// Human-readable lines: one per diagnostic, or what was loaded when all is well.
    public var text: String {
        if !isValid {
            let count = diagnostics.count
            return (diagnostics.map(\.description) + ["\(count) problem\(count == 1 ? "" : "s") found"])
                .joined(separator: "\n")
        }
        var lines = ["\(file): ok (kiosk \(configuration?.kiosk.id ?? "?"))"]
        if let catalog, let path = catalogFile {
            lines.append("\(path): ok (\(catalog.procedures.count) procedures)")
        }
        if let holidays, let path = holidaysFile {
            let off = holidays.days.count
            let worked = holidays.workingDays.count
            lines.append(
                "\(path): ok (\(off) day\(off == 1 ? "" : "s") off, "
                    + "\(worked) weekend day\(worked == 1 ? "" : "s") worked)")
        }
        return lines.joined(separator: "\n")
    }
}

/// The JSON form of a ``ConfigurationCheckResult``.
public struct ConfigurationCheckSummary: Sendable, Codable, Equatable {
    /// True when there is no diagnostic.
    public var ok: Bool
    /// The kiosk.conf checked.
    public var file: String
    /// Every file read.
    public var filesRead: [String]
    /// The kiosk's id, when the configuration loaded.
    public var kioskId: String?
    /// Number of procedures, when the catalog loaded.
    public var procedures: Int?
    /// Number of extra days off, when the holiday file loaded.
    public var holidays: Int?
    /// Number of working weekend days, when the holiday file loaded.
    public var workingDays: Int?
    /// Every problem.
    public var diagnostics: [ConfigDiagnostic]
}

/// Checks a kiosk.conf and the files it names (`kioskctl config check [FILE]`).
public enum ConfigurationCheck {
    /// ``check(path:root:)``, then what kioskd will meet when it runs as `account`
    /// (``RunTimeCheck``): its errors join the diagnostics, absent devices the warnings.
    public static func check(path: String, account: ServiceAccount) -> ConfigurationCheckResult {
        var result = check(path: path)
        guard case .success(let bytes) = ConfigFile.contents(path: path) else { return result }
        let (errors, warnings) = RunTimeCheck.check(file: path, bytes: bytes, account: account)
        result.diagnostics += errors
        result.warnings += warnings
        return result
    }

    /// Loads kiosk.conf at `path`, then the procedure catalog and holiday file it names
    /// (relative paths taken against kiosk.conf's directory), collecting every diagnostic.
    ///
    /// The catalog and holiday files are checked whenever their keys are usable, even when
    /// other keys of kiosk.conf are bad, so one run shows every problem. A file that cannot
    /// be read is reported on the kiosk.conf line that names it.
    ///
    /// - Parameter root: when given, absolute paths written in kiosk.conf are looked up under
    ///   this directory (an image mounted before flashing, or a test's temporary folder).
    public static func check(path: String, root: String? = nil) -> ConfigurationCheckResult {
        var result = ConfigurationCheckResult(
            file: path, configuration: nil, catalog: nil, holidays: nil, catalogFile: nil, holidaysFile: nil,
            filesRead: [], diagnostics: [])
        let bytes: [UInt8]
        switch ConfigFile.contents(path: path) {
        case .success(let read): bytes = read
        case .failure(let problem):
            result.diagnostics = [ConfigDiagnostic(file: path, line: 0, message: problem.message)]
            return result
        }
        result.filesRead.append(path)
        for section in INIDocument(source: SourceText(bytes: bytes, file: path), file: path).sections {
            for entry in section.entries { result.keyLines[section.title + "." + entry.key] = entry.line }
        }
        let reading = KioskConfigurationReading(bytes: bytes, file: path)
        result.configuration = reading.configuration
        result.diagnostics = reading.diagnostics

        func open(_ reference: ReferencedFile) -> (String, [UInt8])? {
            let location =
                reference.written.hasPrefix("/") ? ConfigFile.underRoot(root, reference.written) : reference.resolved
            switch ConfigFile.contents(path: location) {
            case .success(let bytes):
                result.filesRead.append(location)
                return (location, bytes)
            case .failure(let problem):
                result.diagnostics.append(
                    ConfigDiagnostic(
                        file: path, line: reference.entry.line, section: "Kiosk", key: reference.entry.key,
                        value: reference.entry.value,
                        message: location == reference.written ? problem.message : "\(location): \(problem.message)"))
                return nil
            }
        }
        if let reference = reading.procedures, let (location, bytes) = open(reference) {
            result.catalogFile = location
            let (catalog, diagnostics) = ProcedureCatalog.read(bytes: bytes, file: location)
            result.diagnostics += diagnostics
            if diagnostics.isEmpty { result.catalog = catalog }
        }
        if let reference = reading.holidays, let (location, bytes) = open(reference) {
            result.holidaysFile = location
            let (holidays, diagnostics) = HolidayList.read(bytes: bytes, file: location)
            result.diagnostics += diagnostics
            if diagnostics.isEmpty { result.holidays = holidays }
        }
        return result
    }
}
