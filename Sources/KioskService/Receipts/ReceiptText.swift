import KioskDomain

/// How receipts write dates, money and long lines in Vietnamese.
enum ReceiptText {
    /// `21/11/2026`.
    static func date(_ day: CalendarDay) -> String { "\(two(day.day))/\(two(day.month))/\(day.year)" }

    /// `09:15 ngày 21/11/2026`.
    static func time(_ t: Timestamp) -> String {
        let s = t.localSecondOfDay
        return "\(two(s / 3600)):\(two(s % 3600 / 60)) ngày \(date(t.localDay))"
    }

    /// `200.000 đồng`; `Miễn phí` (free) for 0.
    static func money(_ vnd: Int) -> String {
        guard vnd > 0 else { return "Miễn phí" }
        var digits = Array(String(vnd))
        var out: [Character] = []
        while digits.count > 3 {
            out = ["."] + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return String(digits + out) + " đồng"
    }

    /// The delivery method as the citizen reads it.
    static func delivery(_ delivery: Delivery) -> String {
        switch delivery {
        case .post: "Trả qua bưu điện"
        case .counter: "Nhận tại quầy bưu điện"
        }
    }

    /// A status as the citizen reads it.
    static func status(_ status: DossierStatus) -> String {
        switch status {
        case .received: "Đã tiếp nhận"
        case .processing: "Đang xử lý"
        case .needsMore: "Cần bổ sung hồ sơ"
        case .resultReady: "Đã có kết quả"
        case .returned: "Đã trả kết quả"
        case .rejected: "Không được giải quyết"
        }
    }

    /// `label: value`, wrapped at word boundaries to `columns`, continuation lines indented.
    static func field(_ label: String, _ value: String, columns: Int) -> String {
        wrap(label + ": " + value, columns: columns, indent: 2)
    }

    /// Wraps text at spaces so no line is longer than `columns` characters (a word longer than
    /// a line is cut). Vietnamese letters count one column each, as printers draw them.
    static func wrap(_ text: String, columns: Int, indent: Int = 0) -> String {
        let width = max(columns, 8)
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = Substring(word)
            let prefix = lines.isEmpty ? "" : String(repeating: " ", count: indent)
            while !word.isEmpty {
                let room = width - (current.isEmpty ? prefix.count : current.count + 1)
                if word.count <= room {
                    current = current.isEmpty ? prefix + word : current + " " + word
                    word = ""
                } else if current.isEmpty || current == prefix {
                    current = prefix + word.prefix(room)
                    word = word.dropFirst(room)
                    lines.append(current)
                    current = ""
                } else {
                    lines.append(current)
                    current = ""
                }
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines.joined(separator: "\n")
    }

    private static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
