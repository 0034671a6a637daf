import ESCPOS
import Foundation

/// Where the shipped device data lives — printer profiles, scanner keymaps, example
/// configuration: `$KIOSK_DATA_DIR`, then `/usr/share/kiosk` (the Debian package), then the
/// source tree's `Hardware/` next to a `swift build` (for `swift run` and tests).
public enum HardwareData {
    /// Folders searched, in order.
    public static var searchPath: [String] {
        var paths: [String] = []
        if let env = ProcessInfo.processInfo.environment["KIOSK_DATA_DIR"], !env.isEmpty { paths.append(env) }
        paths.append("/usr/share/kiosk")
        // .build/<triple>/<config>/kioskd or .build/<config>/kioskd → the package root's Hardware/.
        var url = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        for _ in 0..<5 {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Hardware/printers").path) {
                paths.append(url.appendingPathComponent("Hardware").path)
                break
            }
        }
        return paths
    }

    /// The first existing `subfolder` on the search path, e.g. `printers`.
    public static func directory(_ subfolder: String) -> String? {
        searchPath.map { $0 + "/" + subfolder }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Loads the printer profile `name` (`Profile=` in kiosk.conf).
    public static func printerProfile(named name: String) throws -> PrinterProfile {
        guard let directory = directory("printers") else {
            throw HardwareDataError(
                "no printer profiles found (looked in \(searchPath.map { $0 + "/printers" }.joined(separator: ", ")))")
        }
        let available = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".conf") }.map { String($0.dropLast(5)) }.sorted()
        guard available.contains(name) else {
            throw HardwareDataError(
                "no printer profile \(name) in \(directory); profiles there: \(available.joined(separator: ", "))")
        }
        return try PrinterProfile.load(named: name, from: directory)
    }
}

/// Shipped data that could not be found or read.
public struct HardwareDataError: Error, CustomStringConvertible {
    /// What is missing and where it was looked for.
    public var description: String
    init(_ description: String) { self.description = description }
}
