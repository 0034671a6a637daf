import KioskControl
import KioskSystem

/// How kioskctl reports a failure on stderr: `kioskctl: message` lines, or with `--json` one
/// JSON object `{"error": …, "file"?, "line"?, "key"?}` so a script reads one shape.
enum ErrorOutput {
    static func report(_ failure: CommandFailure, json: Bool) {
        guard json else {
            FileHandleOutput.standardError("kioskctl: \(failure.message)\n")
            return
        }
        var fields: [String: ControlValue] = ["error": .string(failure.message)]
        if let file = failure.file { fields["file"] = .string(file) }
        if let line = failure.line { fields["line"] = .int(Int64(line)) }
        if let key = failure.key { fields["key"] = .string(key) }
        FileHandleOutput.standardError(ControlValue.object(fields).json + "\n")
    }
}
