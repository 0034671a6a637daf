import KioskControl

/// Control-socket answers and events as text for a person: one `key  value` line per leaf,
/// nested keys joined with dots.
enum ControlValueText {
    /// Lines for an answer, without the transport's `ok` and `id`.
    static func lines(_ value: ControlValue, skipping skipped: Set<String> = ["ok", "id"]) -> [String] {
        let leaves = flatten(value, prefix: "").filter { !skipped.contains($0.key) }
        let width = min(24, (leaves.map(\.key.count).max() ?? 0) + 2)
        return leaves.map { leaf in
            leaf.key.isEmpty ? leaf.text : leaf.key.padding(to: width) + leaf.text
        }
    }

    /// One line for an event: its `event`/`type` first, then `key=value` pairs.
    static func line(_ value: ControlValue) -> String {
        let leaves = flatten(value, prefix: "")
        let head = leaves.first { $0.key == "event" || $0.key == "type" }
        let rest = leaves.filter { $0.key != head?.key }.map { $0.key.isEmpty ? $0.text : "\($0.key)=\($0.text)" }
        return ([head?.text].compactMap { $0 } + rest).joined(separator: " ")
    }

    private static func flatten(_ value: ControlValue, prefix: String) -> [(key: String, text: String)] {
        switch value {
        case .object(let fields):
            return fields.keys.sorted().flatMap { key in
                flatten(fields[key]!, prefix: prefix.isEmpty ? key : prefix + "." + key)
            }
        case .array(let items) where items.allSatisfy(isScalar):
            return [(prefix, items.map(scalarText).joined(separator: ", "))]
        case .array(let items):
            return items.enumerated().flatMap { flatten($1, prefix: "\(prefix)[\($0)]") }
        default:
            return [(prefix, scalarText(value))]
        }
    }

    private static func isScalar(_ value: ControlValue) -> Bool {
        switch value {
        case .object, .array: false
        default: true
        }
    }

    private static func scalarText(_ value: ControlValue) -> String {
        switch value {
        case .null: "-"
        case .bool(let flag): flag ? "yes" : "no"
        case .int(let number): String(number)
        case .string(let text): text
        default: value.json
        }
    }
}

extension String {
    fileprivate func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
