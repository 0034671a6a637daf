import Foundation

/// Where keymap files are found and how they are loaded.
extension Keymap {
    /// The folders searched for `NAME.keymap`, in order: `$KIOSK_KEYMAPS`,
    /// `/usr/share/kiosk/keymaps` (installed), `./Hardware/keymaps` (a source checkout).
    public static var searchDirectories: [String] {
        var directories: [String] = []
        if let custom = ProcessInfo.processInfo.environment["KIOSK_KEYMAPS"], !custom.isEmpty {
            directories.append(custom)
        }
        directories.append("/usr/share/kiosk/keymaps")
        directories.append(FileManager.default.currentDirectoryPath + "/Hardware/keymaps")
        return directories
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
