#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Where keymap files are found and how they are loaded.
extension Keymap {
    /// The folder searched for `NAME.keymap` by default: `$KIOSK_DATA_DIR/keymaps` when the
    /// variable is set, else `/usr/share/kiosk/keymaps` (installed); never the current
    /// directory. The service and `kioskctl` ask `HardwareData`, which also knows `--data-dir`.
    public static var searchDirectories: [String] {
        if let data = ProcessInfo.processInfo.environment["KIOSK_DATA_DIR"], !data.isEmpty {
            return [data + "/keymaps"]
        }
        return ["/usr/share/kiosk/keymaps"]
    }

    /// Loads and validates a keymap file.
    public static func load(path: String) throws(KeymapError) -> Keymap {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeymapError(file: path, message: "cannot read the keymap file (missing or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw KeymapError(file: path, message: "is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// Loads `NAME.keymap` from the first of `directories` that has it.
    public static func load(named name: String, in directories: [String] = Keymap.searchDirectories) throws(KeymapError)
        -> Keymap
    {
        guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
            throw KeymapError(file: name, message: "a keymap name is a file name without .keymap, e.g. us")
        }
        for directory in directories {
            let path = directory + "/" + name + ".keymap"
            if FileManager.default.fileExists(atPath: path) { return try load(path: path) }
        }
        throw KeymapError(
            file: name + ".keymap", message: "no such keymap in \(directories.joined(separator: ", "))")
    }
}
