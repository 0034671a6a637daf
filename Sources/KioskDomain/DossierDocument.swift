/// One paper of a dossier's "Thành phần hồ sơ": its name, whether the original or a copy, and
/// how many. From the catalog's `Documents=` lines (what the receipt lists as received) or a
/// central update's `documents` (what the citizen must still bring).
public struct DossierDocument: Sendable, Hashable {
    /// Original or copy.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Bản chính.
        case original
        /// Bản sao.
        case copy

        /// As the form prints it: `Bản chính`, `Bản sao`.
        public var vietnamese: String {
            switch self {
            case .original: "Bản chính"
            case .copy: "Bản sao"
            }
        }
    }

    /// The paper's name, e.g. `Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp`.
    public var name: String
    /// Original or copy.
    public var kind: Kind
    /// How many, at least 1.
    public var count: Int

    /// Creates a document line.
    public init(name: String, kind: Kind, count: Int) {
        self.name = name
        self.kind = kind
        self.count = count
    }
}

/// A line of the kiosk's own register ("Sổ theo dõi hồ sơ"): the book (one per year, named by
/// the year) and the dossier's sequence number in it, printed on the receipt as
/// "Quyển số … Số thứ tự …" and sent to the central as `register`.
public struct RegisterEntry: Sendable, Hashable {
    /// The book, e.g. `2026`.
    public var book: String
    /// The dossier's number in the book, from 1.
    public var number: Int

    /// Creates an entry.
    public init(book: String, number: Int) {
        self.book = book
        self.number = number
    }
}

/// A time of day in the kiosk's local time, written `HH:MM` (office hours, cut-offs,
/// appointment times).
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 0…23.
    public var hour: Int
    /// 0…59.
    public var minute: Int

    /// Creates a time; nil outside 00:00…23:59.
    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        self.hour = hour
        self.minute = minute
    }

    /// Parses `H:MM` or `HH:MM`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].utf8.count), parts[1].utf8.count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy(ASCIIText.isDigit) }), let h = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(hour: h, minute: m)
    }

    /// Seconds after local midnight.
    public var secondOfDay: Int { hour * 3600 + minute * 60 }

    /// `16:30`.
    public var description: String { (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)" }

    /// Orders by time.
    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.secondOfDay < b.secondOfDay }
}
