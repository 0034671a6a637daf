import Synchronization

/// The `ESC &` definitions of one-scalar letters fitted to user-defined cells, kept once made.
///
/// A kiosk whose printer has no Vietnamese code page downloads the same few dozen letters on
/// every receipt; reading a letter's glyph, drawing it into the cell and packing its columns
/// cost more than planning the rest of the line. One cache belongs to each `UnifontFace` (the
/// dots depend on the font), filled as letters are first printed, never ahead.
///
/// Bounded: at most `capacity` entries, each a key and a definition of at most 1 + 32 × 4
/// bytes (about 200 bytes with the array's header and the table's slot: under 100 KB in all).
/// Vietnamese in both fonts of a 12×24 / 9×17 printer needs about 270 entries of 37 and 28
/// bytes, about 25 KB. When full it is emptied and refills with what is printed.
final class UserDefinedGlyphCache: Sendable {
    /// Most entries held.
    static let capacity = 512

    /// Definition by cell size and scalar; an empty array: the glyph does not fit the cell.
    private let entries = Mutex<[UInt64: [UInt8]]>([:])

    init() {}

    /// The definition of `scalar` in `cell` (`UserDefinedCell.definition(of:)` of the fitted
    /// glyph), made by `make` the first time; nil when the glyph does not fit the cell.
    func definition(of scalar: UInt32, in cell: UserDefinedCell, make: () -> [UInt8]?) -> [UInt8]? {
        guard (0..<0x1_0000).contains(cell.width), (0..<0x1_0000).contains(cell.height) else { return make() }
        let key = UInt64(cell.width) << 48 | UInt64(cell.height) << 32 | UInt64(scalar)
        if let known = entries.withLock({ $0[key] }) { return known.isEmpty ? nil : known }
        let made = make()
        entries.withLock {
            if $0.count >= Self.capacity { $0.removeAll() }
            $0[key] = made ?? []
        }
        return made
    }

    /// `definition(of:in:make:)` for each of `scalars`, under one lock for those already
    /// made; nil when one of them does not fit the cell.
    func definitions(of scalars: [UInt32], in cell: UserDefinedCell, make: (UInt32) -> [UInt8]?) -> [[UInt8]]? {
        if scalars.isEmpty { return [] }
        guard (0..<0x1_0000).contains(cell.width), (0..<0x1_0000).contains(cell.height) else {
            var made: [[UInt8]] = []
            for scalar in scalars {
                guard let definition = make(scalar) else { return nil }
                made.append(definition)
            }
            return made
        }
        let size = UInt64(cell.width) << 48 | UInt64(cell.height) << 32
        var known = entries.withLock { entries in scalars.map { entries[size | UInt64($0)] } }
        for (k, scalar) in scalars.enumerated() where known[k] == nil {
            known[k] = definition(of: scalar, in: cell) { make(scalar) } ?? []
        }
        var result: [[UInt8]] = []
        result.reserveCapacity(scalars.count)
        for definition in known {
            guard let definition, !definition.isEmpty else { return nil }
            result.append(definition)
        }
        return result
    }

    /// Entries held now (for tests).
    var count: Int { entries.withLock { $0.count } }
}
