/// CODE128 barcodes: the data bytes `GS k 73` takes, and the bars a symbol is made of.
public enum Code128 {
    /// A decoded symbol: its values (start … checksum, stop) and the human-readable text.
    public struct Symbol: Sendable, Equatable {
        /// Symbol values including start code, checksum and stop (106).
        public var values: [Int]
        /// The text the symbol carries.
        public var text: String
    }

    /// `GS k 73` data for `text`: code set B, switching to C for runs of four or more digits
    /// (an odd run keeps its first digit in B). Only printable ASCII can be encoded: other
    /// characters are dropped. Returns nil when nothing printable is left.
    public static func escposData(for text: String) -> [UInt8]? {
        // Printable ASCII scalars are exactly the UTF-8 bytes in 0x20..<0x7F (others' bytes are ≥ 0x80).
        let chars = text.utf8.filter { $0 >= 0x20 && $0 < 0x7F }
        guard !chars.isEmpty else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count + 8)
        var set: UInt8 = 0
        var i = 0
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        while i < chars.count {
            var run = 0
            while i + run < chars.count && isDigit(chars[i + run]) { run += 1 }
            if run >= 4 {
                if run % 2 == 1 {
                    if set != 0x42 { out += [0x7B, 0x42]; set = 0x42 }
                    out.append(chars[i])
                    i += 1
                    run -= 1
                }
                if set != 0x43 { out += [0x7B, 0x43]; set = 0x43 }
                for k in stride(from: 0, to: run, by: 2) {
                    out.append((chars[i + k] - 0x30) * 10 + (chars[i + k + 1] - 0x30))
                }
                i += run
            } else {
                if set != 0x42 { out += [0x7B, 0x42]; set = 0x42 }
                let end = run > 0 ? i + run : i + 1
                for b in chars[i..<end] {
                    out.append(b)
                    if b == 0x7B { out.append(0x7B) }  // a literal '{' is sent twice
                }
                i = end
            }
        }
        return out
    }

    /// Reads `GS k 73` data back into a symbol; nil when the data is not valid CODE128
    /// (no code set first, a bad escape, or a value out of range).
    public static func symbol(fromESCPOSData data: [UInt8]) -> Symbol? {
        symbol(fromESCPOSData: data, withText: true)
    }

    /// `symbol(fromESCPOSData:)`, its text left empty unless `withText` (the encoder needs the
    /// values alone, to size the symbol).
    static func symbol(fromESCPOSData data: [UInt8], withText: Bool) -> Symbol? {
        var values: [Int] = []
        values.reserveCapacity(data.count + 3)
        var text = ""
        var set: UInt8 = 0
        var i = 0
        while i < data.count {
            var b = data[i]
            i += 1
            if b == 0x7B {
                guard i < data.count else { return nil }
                let next = data[i]
                i += 1
                switch next {
                case 0x7B: break  // "{{" is one '{'
                case 0x41, 0x42, 0x43:
                    if set == 0 {
                        values.append(Int(next - 0x41) + 103)
                    } else if set != next {
                        values.append(next == 0x43 ? 99 : (next == 0x42 ? 100 : 101))
                    }
                    set = next
                    continue
                case 0x31:
                    guard set != 0 else { return nil }
                    values.append(102)
                    continue
                default: return nil
                }
                b = 0x7B
            }
            switch set {
            case 0x43:
                guard b <= 99 else { return nil }
                values.append(Int(b))
                if withText { text += b < 10 ? "0\(b)" : "\(b)" }
            case 0x42:
                guard b >= 0x20 && b < 0x80 else { return nil }
                values.append(Int(b) - 32)
                if withText { text.unicodeScalars.append(Unicode.Scalar(b)) }
            case 0x41:
                guard b < 0x60 else { return nil }
                values.append(b < 0x20 ? Int(b) + 64 : Int(b) - 32)
                if withText && b >= 0x20 { text.unicodeScalars.append(Unicode.Scalar(b)) }
            default: return nil
            }
        }
        guard values.count > 1 else { return nil }
        var sum = values[0]
        for (k, v) in values.enumerated().dropFirst() { sum += k * v }
        values.append(sum % 103)
        values.append(106)
        return Symbol(values: values, text: text)
    }

    /// Bar and space widths in modules, starting with a bar, for a symbol's values.
    public static func moduleWidths(of values: [Int]) -> [Int] {
        values.flatMap { v in patterns[min(max(v, 0), patterns.count - 1)].map { Int($0.asciiValue! - 0x30) } }
    }

    /// The symbol's width in modules (the sum of `moduleWidths(of:)`): 11 a value, 13 for stop.
    public static func moduleCount(of values: [Int]) -> Int {
        values.reduce(0) { $0 + patternModules[min(max($1, 0), patternModules.count - 1)] }
    }

    /// Modules of each pattern.
    private static let patternModules: [Int] = patterns.map { $0.utf8.reduce(0) { $0 + Int($1 - 0x30) } }

    /// Bar/space widths of the 107 CODE128 symbols (ISO/IEC 15417), stop last.
    static let patterns: [String] = [
        "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
        "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
        "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
        "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
        "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
        "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
        "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
        "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
        "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
        "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
        "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
    ]
}
