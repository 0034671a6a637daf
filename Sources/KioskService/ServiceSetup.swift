import ESCPOS
import KioskConfig
import KioskDevices
import KioskDomain
import KioskProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Everything the service needs from files, read and checked before any device or the
/// database is touched: the configuration, the procedure catalog, the holidays and the
/// central server's key.
public struct ServiceSetup: Sendable {
    /// The parsed `kiosk.conf`.
    public var configuration: KioskConfiguration
    /// The procedures citizens can apply for.
    public var catalog: ProcedureCatalog
    /// Extra holidays and swapped working days.
    public var holidays: HolidayList
    /// The HMAC key for the central server, when `[Central] URL=` is set.
    public var centralKey: KioskKey?
    /// The file the configuration came from.
    public var file: String
    /// The printer profile named by `[Printer] Profile=`.
    public var profile: PrinterProfile
    /// The scanner keymap named by `[Scanner] Keymap=`.
    public var keymap: Keymap

    /// Creates a setup from parts already loaded (tests, the demo).
    public init(
        configuration: KioskConfiguration, catalog: ProcedureCatalog, holidays: HolidayList, centralKey: KioskKey?,
        file: String, profile: PrinterProfile, keymap: Keymap
    ) {
        self.profile = profile
        self.keymap = keymap
        self.configuration = configuration
        self.catalog = catalog
        self.holidays = holidays
        self.centralKey = centralKey
        self.file = file
    }

    /// Loads and checks every file; on failure returns each problem as a line naming the file,
    /// the line and the key (the text `kioskctl config check` prints too).
    public static func load(path: String) -> Result<ServiceSetup, SetupProblems> {
        let check = ConfigurationCheck.check(path: path)
        var problems = check.diagnostics.map(\.description)
        guard problems.isEmpty, let configuration = check.configuration else {
            return .failure(SetupProblems(problems))
        }
        var key: KioskKey?
        if configuration.central.url != nil {
            do {
                key = try KioskKey(contentsOfFile: configuration.central.keyFile)
            } catch {
                problems.append("\(path): [Central] KeyFile=\(configuration.central.keyFile): \(error.reason)")
            }
        }
        if let privateKey = configuration.central.privateKey {
            // The client TLS key is a secret too: held to the same rule before curl reads it.
            do {
                close(try KeyFilePermissions.openChecked(privateKey))
            } catch {
                problems.append("\(path): [Central] PrivateKey=\(privateKey): \(error.reason)")
            }
        }
        var profile: PrinterProfile?
        do {
            profile = try CalibratedProfile.load(
                configured: configuration.printer.profile, stateDirectory: configuration.kiosk.stateDirectory
            ).profile
        } catch {
            problems.append("\(path): [Printer] Profile=\(configuration.printer.profile): \(error)")
        }
        var keymap: Keymap?
        do {
            keymap = try HardwareData.keymap(named: configuration.scanner.keymap)
        } catch {
            problems.append("\(path): [Scanner] Keymap=\(configuration.scanner.keymap): \(error)")
        }
        guard problems.isEmpty, let profile, let keymap else { return .failure(SetupProblems(problems)) }
        return .success(
            ServiceSetup(
                configuration: configuration, catalog: check.catalog ?? ProcedureCatalog(procedures: []),
                holidays: check.holidays ?? HolidayList(), centralKey: key, file: path, profile: profile,
                keymap: keymap))
    }
}

/// Why a setup could not be loaded: one line per problem, each naming file, line and key.
public struct SetupProblems: Error, Sendable, CustomStringConvertible {
    /// The problems, in file order.
    public var lines: [String]
    /// Wraps the lines.
    public init(_ lines: [String]) { self.lines = lines }
    /// All lines, newline-separated.
    public var description: String { lines.joined(separator: "\n") }
}
