extension ControlValue {
    /// The value of `key` when this is an object; nil otherwise or when the key is absent.
    public subscript(key: String) -> ControlValue? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    /// The text, when this is a string.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The number, when this is an integer.
    public var intValue: Int64? {
        if case .int(let number) = self { return number }
        return nil
    }

    /// The truth value, when this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The fields, when this is an object.
    public var objectValue: [String: ControlValue]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    /// The items, when this is an array.
    public var arrayValue: [ControlValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// Whether this is an answer with `"ok":false`.
    public var isErrorAnswer: Bool { self["ok"] == .bool(false) }

    /// A successful answer: `{"ok":true, …fields}`.
    public static func ok(_ fields: [String: ControlValue] = [:]) -> ControlValue {
        var all = fields
        all["ok"] = .bool(true)
        return .object(all)
    }
}
