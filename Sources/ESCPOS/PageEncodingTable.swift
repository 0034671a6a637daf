/// The bytes of every single-scalar character the planner's fast path handles, on one code
/// page, looked up by scalar value without an allocation: printable ASCII, U+00A0–U+024F
/// (Latin-1 and Latin Extended, with ă â đ ê ô ơ ư and their capitals) and U+1E00–U+1EFF
/// (Latin Extended Additional, the Vietnamese letters with tone marks).
///
/// Built once per page (CP1258 twice: with and without combining tone marks) from
/// `LineEncodingPlanner.encode(_:on:composing:)`, so a lookup gives exactly the bytes the general path
/// gives. Entries are packed: 0 when the page cannot carry the character, otherwise the byte
/// count in bits 16–17, the first byte in bits 0–7 and a second (a CP1258 tone mark) in 8–15.
struct PageEncodingTable: Sendable {
    private let entries: [UInt32]

    private static let latinEnd: UInt32 = 0x250
    private static let additional: ClosedRange<UInt32> = 0x1E00...0x1EFF

    /// Whether `scalar` is one character the tables hold (each such scalar is a character of
    /// its own: none of them joins a neighbour in a grapheme cluster).
    static func covers(_ scalar: UInt32) -> Bool {
        (scalar >= 0x20 && scalar < 0x7F) || (scalar >= 0xA0 && scalar < latinEnd) || additional.contains(scalar)
    }

    /// The packed encoding of `scalar` (0: not on this page, or not in the table).
    func lookup(_ scalar: UInt32) -> UInt32 {
        guard let index = Self.index(of: scalar) else { return 0 }
        return entries[index]
    }

    /// Where a table keeps `scalar` (below U+0250, or U+1E00–U+1EFF), among `indexCount`.
    static func index(of scalar: UInt32) -> Int? {
        if scalar < latinEnd { return Int(scalar) }
        if additional.contains(scalar) { return Int(latinEnd + scalar - additional.lowerBound) }
        return nil
    }

    /// Number of scalars a table can hold.
    static let indexCount = Int(latinEnd) + additional.count

    /// One byte, packed.
    static func pack(_ byte: UInt8) -> UInt32 { 1 << 16 | UInt32(byte) }

    /// The table of `page`; `composing` is the profile's `cp1258ComposesMarks`.
    static func `for`(_ page: CodePage, composing: Bool) -> PageEncodingTable {
        switch page {
        case .cp437: built[0]
        case .tcvn3Lower: built[1]
        case .tcvn3Upper: built[2]
        case .cp1258: composing ? built[4] : built[3]
        }
    }

    private static let built: [PageEncodingTable] = [
        PageEncodingTable(.cp437, composing: false), PageEncodingTable(.tcvn3Lower, composing: false),
        PageEncodingTable(.tcvn3Upper, composing: false), PageEncodingTable(.cp1258, composing: false),
        PageEncodingTable(.cp1258, composing: true),
    ]

    private init(_ page: CodePage, composing: Bool) {
        var entries = [UInt32](repeating: 0, count: Int(Self.latinEnd) + Self.additional.count)
        let scalars =
            (0..<Self.latinEnd).lazy.map { ($0, Int($0)) }
            + Self.additional.lazy.map { ($0, Int(Self.latinEnd + $0 - Self.additional.lowerBound)) }
        for (value, index) in scalars where Self.covers(value) {
            guard let scalar = Unicode.Scalar(value),
                let bytes = LineEncodingPlanner.encode(Character(scalar), on: page, composing: composing)
            else {
                continue
            }
            switch bytes.count {
            case 1: entries[index] = Self.pack(bytes[0])
            case 2: entries[index] = 2 << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[0])
            default: continue  // not produced by encode(_:on:); such a character takes the general path
            }
        }
        self.entries = entries
    }
}
