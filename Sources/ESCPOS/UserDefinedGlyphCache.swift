import Synchronization

/// The `ESC &` definitions of one-scalar letters fitted to user-defined cells, kept once made.
///
/// A kiosk whose printer has no Vietnamese code page downloads the same few dozen letters on
/// every receipt; reading a letter's glyph, drawing it into the cell and packing its columns
/// cost more than planning the rest of the line. One cache belongs to each `UnifontFace` (the
/// dots depend on the font), filled as letters are first printed, never ahead.
///
/// Only the letters a `PageEncodingTable` holds are kept (Latin to U+024F and the Vietnamese
/// block: the encoder's fast path sends no others), each in a slot of its own per cell size,
/// found without hashing. Bounded: `cellSizes` sizes (a profile has two, fonts A and B; a
/// fifth size drops the first), each 848 slots of 8 bytes (6.8 KB) and the definitions made, at
/// most 1 + 32 × 4 bytes each. Vietnamese on a 12×24 / 9×17 printer: about 135 letters of 37
/// and 28 bytes per size, about 35 KB in all.
final class UserDefinedGlyphCache: Sendable {
    /// Most cell sizes kept.
    static let cellSizes = 4

    /// One cell size's definitions by `PageEncodingTable.index(of:)`: nil not made yet, an
    /// empty array when the glyph does not fit the cell.
    private struct Slots {
        var cell: UserDefinedCell
        var definitions: [[UInt8]?]
    }

    private let sizes = Mutex<[Slots]>([])

    init() {}

    /// The definition of `scalar` in `cell` (`UserDefinedCell.definition(of:)` of the fitted
    /// glyph), made by `make` the first time; nil when the glyph does not fit the cell.
    func definition(of scalar: UInt32, in cell: UserDefinedCell, make: () -> [UInt8]?) -> [UInt8]? {
        definitions(of: [scalar], in: cell, make: { _ in make() })?.first
    }

    /// `definition(of:in:make:)` for each of `scalars`, those already made found under one
    /// lock; nil when one of them does not fit the cell.
    func definitions(of scalars: [UInt32], in cell: UserDefinedCell, make: (UInt32) -> [UInt8]?) -> [[UInt8]]? {
        if scalars.isEmpty { return [] }
        var known = sizes.withLock { sizes -> [[UInt8]?] in
            guard let slots = sizes.first(where: { $0.cell == cell }) else { return [] }
            return scalars.map { PageEncodingTable.index(of: $0).flatMap { slots.definitions[$0] } }
        }
        if known.isEmpty { known = Array(repeating: nil, count: scalars.count) }
        var result: [[UInt8]] = []
        result.reserveCapacity(scalars.count)
        for (k, scalar) in scalars.enumerated() {
            let definition = known[k] ?? keep(make(scalar), for: scalar, in: cell)
            guard !definition.isEmpty else { return nil }
            result.append(definition)
        }
        return result
    }

    /// Keeps `definition` (nil: does not fit, kept as empty) where `scalar` has a slot, and
    /// returns it as kept.
    private func keep(_ definition: [UInt8]?, for scalar: UInt32, in cell: UserDefinedCell) -> [UInt8] {
        let kept = definition ?? []
        guard let index = PageEncodingTable.index(of: scalar) else { return kept }
        sizes.withLock { sizes in
            if !sizes.contains(where: { $0.cell == cell }) {
                if sizes.count >= Self.cellSizes { sizes.removeFirst() }
                sizes.append(
                    Slots(cell: cell, definitions: Array(repeating: nil, count: PageEncodingTable.indexCount)))
            }
            let k = sizes.firstIndex { $0.cell == cell }!
            sizes[k].definitions[index] = kept
        }
        return kept
    }

    /// Cell sizes and letters kept now (for tests).
    var count: (cellSizes: Int, letters: Int) {
        sizes.withLock { sizes in
            (sizes.count, sizes.reduce(0) { $0 + $1.definitions.lazy.filter { $0 != nil }.count })
        }
    }
}
