import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Syslog priorities as journald reads them from a `<N>` line prefix.
public enum LogPriority: Int, Sendable, Comparable, CaseIterable {
    /// Something is broken and needs a technician now.
    case error = 3
    /// Something is wrong but the kiosk keeps working (degraded).
    case warning = 4
    /// A normal but significant change (device back, config reloaded).
    case notice = 5
    /// Routine events.
    case info = 6
    /// Detail for diagnosis.
    case debug = 7

    /// Parses `debug`, `info`, `notice`, `warning`, `error`.
    public init?(name: String) {
        switch name.lowercased() {
        case "debug": self = .debug
        case "info": self = .info
        case "notice": self = .notice
        case "warning", "warn": self = .warning
        case "error", "err": self = .error
        default: return nil
        }
    }

    /// Lower raw value is more severe: `error < debug` means "error is more severe".
    public static func < (a: LogPriority, b: LogPriority) -> Bool { a.rawValue < b.rawValue }
}

/// One log line for journald: `<6>forwarder delivered events=100 seq=42-141`.
///
/// Fields are key=value pairs; values with spaces, quotes or `=` are quoted. Callers must
/// never pass personal data (ID numbers, names, addresses, birth dates) as a value.
public struct LogLine: Sendable, Equatable {
    /// Severity.
    public var priority: LogPriority
    /// What happened, a short lower-case phrase: `printer paper-out`.
    public var event: String
    /// Key/value details.
    public var fields: [(String, String)]

    /// Creates a line.
    public init(_ priority: LogPriority, _ event: String, _ fields: [(String, String)] = []) {
        self.priority = priority
        self.event = event
        self.fields = fields
    }

    /// The value of field `key` (the first one), nil when the line has none.
    public func value(of key: String) -> String? { fields.first { $0.0 == key }?.1 }

    /// The text written to stderr, without the newline.
    public var rendered: String {
        var out = "<\(priority.rawValue)>\(LogLine.clean(event))"
        for (key, value) in fields {
            out += " \(key)=\(LogLine.quoteIfNeeded(LogLine.clean(value)))"
        }
        return out
    }

    /// Compares priority, event and fields.
    public static func == (a: LogLine, b: LogLine) -> Bool {
        a.priority == b.priority && a.event == b.event && a.fields.elementsEqual(b.fields, by: { $0 == $1 })
    }

    /// One event, one line: newlines and other control characters become spaces.
    static func clean(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    static func quoteIfNeeded(_ s: String) -> String {
        if !s.isEmpty, !s.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) { return s }
        return "\"" + s.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

/// Writes `LogLine`s to stderr (journald adds time and unit), filtered by a minimum priority:
/// the one logger of every module (the service, devices, forwarding, the control socket).
///
/// Thread-safe; the minimum can change on reload.
public final class Logger: Sendable {
    private let minimum: Mutex<LogPriority>
    private let sink: @Sendable (LogLine) -> Void

    /// A logger that writes nothing (a default for parts created without one).
    public static let discarding = Logger(minimum: .error, lines: { _ in })

    /// A logger handing each line, unrendered, to `lines` (tests that look at fields).
    public init(minimum: LogPriority = .info, lines: @escaping @Sendable (LogLine) -> Void) {
        self.minimum = Mutex(minimum)
        self.sink = lines
    }

    /// A logger writing to stderr (or to `sink`, in tests).
    public init(minimum: LogPriority = .info, sink: (@Sendable (String) -> Void)? = nil) {
        self.minimum = Mutex(minimum)
        let writeLine: @Sendable (String) -> Void =
            sink ?? { line in
                var bytes = Array((line + "\n").utf8)
                bytes.withUnsafeMutableBytes { buffer in
                    var offset = 0
                    while offset < buffer.count {
                        let n = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                        if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { break }
                    }
                }
            }
        self.sink = { line in writeLine(line.rendered) }
    }

    /// Changes the minimum priority written.
    public func setMinimum(_ priority: LogPriority) { minimum.withLock { $0 = priority } }

    /// Writes a line when its priority is at least the minimum.
    public func log(_ line: LogLine) {
        guard line.priority <= minimum.withLock({ $0 }) else { return }
        sink(line)
    }

    /// Writes `event` with key/value fields at `priority`.
    public func log(_ priority: LogPriority, _ event: String, _ fields: [(String, String)] = []) {
        log(LogLine(priority, event, fields))
    }

    /// Writes `event` with fields written as a dictionary literal (`["seq": "42"]`), in order.
    public func log(_ priority: LogPriority, _ event: String, _ fields: KeyValuePairs<String, String>) {
        log(LogLine(priority, event, fields.map { ($0.key, $0.value) }))
    }
}
