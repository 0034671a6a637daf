import ESCPOS
import KioskDevices
import Synchronization

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where the shipped device data lives — printer profiles, scanner keymaps, the example
/// configuration and catalog — for `kioskd` and `kioskctl`.
///
/// One folder, chosen in this order, never the current directory:
/// 1. `--data-dir DIR` on the command line (``use(directory:)``);
/// 2. the environment variable `KIOSK_DATA_DIR` (development: `KIOSK_DATA_DIR=Hardware`);
/// 3. a development build run from its SwiftPM build folder (`ROOT/.build/…/kioskd` with
///    `ROOT/Package.swift`) takes `ROOT/Hardware`, so `swift run kioskd --demo` needs no setup;
/// 4. `/usr/share/kiosk`, where the Debian package installs them.
///
/// An explicit folder (1 or 2) is the only one searched: a typo is reported, not papered
/// over by another copy of the data.
public enum HardwareData {
    /// Where the Debian package installs the data.
    public static let installedDirectory = "/usr/share/kiosk"
    /// The environment variable that names the data folder.
    public static let environmentVariable = "KIOSK_DATA_DIR"

    private static let chosen = Mutex<String?>(nil)

    /// Uses `directory` for every lookup from now on (`--data-dir DIR`).
    public static func use(directory: String) {
        chosen.withLock { $0 = directory }
    }

    /// The data folder and how it was chosen, for error messages.
    public static var root: (path: String, source: String) {
        if let explicit = chosen.withLock({ $0 }) { return (explicit, "--data-dir") }
        if let env = ProcessInfo.processInfo.environment[environmentVariable], !env.isEmpty {
            return (env, "$\(environmentVariable)")
        }
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
            let tree = developmentTree(executable: executable)
        {
            return (tree, "the source tree of this development build")
        }
        return (installedDirectory, "the installed package")
    }

    /// Folders searched, in order (one: see the type's documentation).
    public static var searchPath: [String] { [root.path] }

    /// `ROOT/Hardware` when `executable` lives in a SwiftPM build folder `ROOT/.build…/` of a
    /// package that has `ROOT/Package.swift` and `ROOT/Hardware`; nil for an installed binary.
    static func developmentTree(executable: String) -> String? {
        guard executable.hasPrefix("/") else { return nil }
        var components = executable.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let build = components.lastIndex(where: { $0.hasPrefix(".build") }) else { return nil }
        components.removeSubrange(build...)
        let root = "/" + components.joined(separator: "/")
        let base = root == "/" ? "" : root
        let fm = FileManager.default
        guard fm.fileExists(atPath: base + "/Package.swift"), fm.fileExists(atPath: base + "/Hardware") else {
            return nil
        }
        return base + "/Hardware"
    }

    /// The data folder's `subfolder` (e.g. `printers`) when it exists.
    public static func directory(_ subfolder: String) -> String? {
        let path = root.path + "/" + subfolder
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// What to say when `subfolder` is missing: where it was looked for and how to fix it.
    static func missing(_ subfolder: String) -> String {
        let (path, source) = root
        return "no \(path)/\(subfolder) (data folder from \(source)); install the kiosk package, "
            + "or name the folder with --data-dir DIR or \(environmentVariable)=DIR"
    }

    /// Loads the printer profile `name` (`Profile=` in kiosk.conf).
    public static func printerProfile(named name: String) throws -> PrinterProfile {
        guard let directory = directory("printers") else { throw HardwareDataError(missing("printers")) }
        let available = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".conf") }.map { String($0.dropLast(5)) }.sorted()
        guard available.contains(name) else {
            throw HardwareDataError(
                "no printer profile \(name) in \(directory); profiles there: \(available.joined(separator: ", "))")
        }
        return try PrinterProfile.load(named: name, from: directory)
    }

    /// Loads the scanner keymap `name` (`Keymap=` in kiosk.conf).
    public static func keymap(named name: String) throws -> Keymap {
        guard let directory = directory("keymaps") else { throw HardwareDataError(missing("keymaps")) }
        return try Keymap.load(named: name, in: [directory])
    }
}

/// Shipped data that could not be found or read.
public struct HardwareDataError: Error, CustomStringConvertible {
    /// What is missing and where it was looked for.
    public var description: String
    init(_ description: String) { self.description = description }
}
