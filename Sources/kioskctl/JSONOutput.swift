import KioskProtocol

/// Prints a value as JSON (sorted keys, pretty) for `--json`.
enum JSONOutput {
    static func print<T: Encodable>(_ value: T) {
        let text = (try? JSONDocumentEncoder(prettyPrinted: true).encodeToString(value)) ?? "null"
        Swift.print(text)
    }
}
