/// A keymap file that could not be read or is not valid, with the file and line to fix.
public struct KeymapError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, e.g. `Hardware/keymaps/us.keymap`.
    public var file: String
    /// The 1-based line, when the problem is on one line.
    public var line: Int?
    /// What is wrong, e.g. `unknown key name KEY_FOO`.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `Hardware/keymaps/us.keymap:12: unknown key name KEY_FOO`.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
