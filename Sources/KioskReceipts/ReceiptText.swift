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

    /// `21 tháng 11 năm 2026`, as the national forms write a date after "ngày".
    static func formDate(_ day: CalendarDay) -> String { "\(two(day.day)) tháng \(two(day.month)) năm \(day.year)" }

    /// `09 giờ 15 phút, ngày 21 tháng 11 năm 2026`.
    static func formTime(secondOfDay: Int, day: CalendarDay) -> String {
        "\(two(secondOfDay / 3600)) giờ \(two(secondOfDay % 3600 / 60)) phút, ngày \(formDate(day))"
    }

    /// Two blocks side by side (the signature blocks), each line wrapped and centred in its
    /// half of `columns`.
    /// On paper narrower than 40 columns (58 mm) the blocks are stacked instead, centred.
    static func twoColumns(_ left: [String], _ right: [String], columns: Int) -> String {
        guard columns >= 40 else {
            return (left + [""] + right).map { line in
                let wrapped = wrap(line, columns: columns).split(separator: "\n").map(String.init)
                return wrapped.map { String(repeating: " ", count: max(0, columns - $0.count) / 2) + $0 }
                    .joined(separator: "\n")
            }.joined(separator: "\n")
        }
        let half = max(columns, 8) / 2
        func lines(_ block: [String]) -> [String] {
            block.flatMap { wrap($0, columns: half).split(separator: "\n").map(String.init) }
        }
        func centred(_ text: String) -> String {
            let pad = max(0, half - text.count)
            let left = String(repeating: " ", count: pad / 2) + text
            return left + String(repeating: " ", count: max(0, half - left.count))
        }
        let l = lines(left)
        let r = lines(right)
        return (0..<max(l.count, r.count)).map { i in
            let line = centred(i < l.count ? l[i] : "") + centred(i < r.count ? r[i] : "")
            return String(line.reversed().drop(while: { $0 == " " }).reversed())
        }.joined(separator: "\n")
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
    /// a line is cut); every line after the first starts with `indent` spaces. Vietnamese
    /// letters count one column each, as printers draw them.
    static func wrap(_ text: String, columns: Int, indent: Int = 0) -> String {
        let width = max(columns, 8)
        let margin = String(repeating: " ", count: min(max(indent, 0), width / 2))
        var lines: [String] = []
        var current = ""
        var currentHasWord = false
        func startLine() {
            current = lines.isEmpty ? "" : margin
            currentHasWord = false
        }
        startLine()
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = Substring(word)
            while !word.isEmpty {
                let room = width - current.count - (currentHasWord ? 1 : 0)
                if word.count <= room {
                    current += (currentHasWord ? " " : "") + word
                    currentHasWord = true
                    word = ""
                } else if !currentHasWord {
                    current += word.prefix(room)
                    word = word.dropFirst(room)
                    lines.append(current)
                    startLine()
                } else {
                    lines.append(current)
                    startLine()
                }
            }
        }
        if currentHasWord { lines.append(current) }
        return lines.joined(separator: "\n")
    }

    /// Two digits: `07`.
    static func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
