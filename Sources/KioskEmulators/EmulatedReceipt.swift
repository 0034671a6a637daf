import ESCPOS

/// One receipt an emulated printer printed: the bytes it got between cuts and what they show.
public struct EmulatedReceipt: Sendable, Equatable {
    /// The bytes that reached the paper.
    public var bytes: [UInt8]
    /// What the interpreter made of them.
    public var rendered: RenderedReceipt
    /// Whether it ended with a cut; false for a receipt torn off after a fault (paper out,
    /// unplugged) or a printer with no cutter.
    public var isCut: Bool

    /// The printed text lines, joined with newlines.
    public var text: String { rendered.textLines.joined(separator: "\n") }

    /// Creates a receipt value.
    public init(bytes: [UInt8], rendered: RenderedReceipt, isCut: Bool) {
        self.bytes = bytes
        self.rendered = rendered
        self.isCut = isCut
    }
}
