import ESCPOS
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The printer profile written on site by `kioskctl calibrate`: `printer.local.conf` in the
/// state directory. When it is there it is the profile kioskd prints with (it was measured on
/// this very printer); `Profile=` names the profile it was calibrated from.
public enum CalibratedProfile {
    /// The file's name in the state directory.
    public static let fileName = "printer.local.conf"

    /// `STATE/printer.local.conf`.
    public static func path(stateDirectory: String) -> String { stateDirectory + "/" + fileName }

    /// Writes `text` (a profile's `confText`) as the state directory's local profile: a
    /// temporary file renamed over it, so kioskd never reads half a profile.
    public static func write(_ text: String, stateDirectory: String) throws {
        let file = path(stateDirectory: stateDirectory)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw HardwareDataError(
                "cannot write \(file): \(error); check that the state directory is kioskd's")
        }
    }

    /// The profile to print with: the calibrated one when the state directory has it, else
    /// `Profile=`'s; and a line saying which, for `config check` and the log.
    public static func load(configured name: String, stateDirectory: String) throws -> (
        profile: PrinterProfile, source: String
    ) {
        let file = path(stateDirectory: stateDirectory)
        guard FileManager.default.fileExists(atPath: file) else {
            return (try HardwareData.printerProfile(named: name), "printer profile: \(name)")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw HardwareDataError("cannot read \(file) (written by kioskctl calibrate): check its permissions")
        }
        let profile = try PrinterProfile.parse(String(decoding: data, as: UTF8.self), name: "printer.local")
        return (profile, "printer profile: calibrated on site, \(file) (instead of Profile=\(name))")
    }
}
