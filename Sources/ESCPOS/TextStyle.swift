/// How a line of receipt text looks.
public struct TextStyle: Sendable, Hashable {
    /// Horizontal placement of a line (`ESC a n`).
    public enum Alignment: UInt8, Sendable, Hashable {
        /// Flush left.
        case left = 0
        /// Centred.
        case center = 1
        /// Flush right.
        case right = 2
    }

    /// Printer font (`ESC M n`).
    public enum Font: UInt8, Sendable, Hashable {
        /// 12×24 dots.
        case a = 0
        /// 9×17 dots.
        case b = 1
    }

    /// Emphasised (`ESC E`).
    public var bold: Bool
    /// Underlined (`ESC -`).
    public var underline: Bool
    /// Twice as wide (`GS !`).
    public var doubleWidth: Bool
    /// Twice as high (`GS !`).
    public var doubleHeight: Bool
    /// Placement.
    public var alignment: Alignment
    /// Font A or B.
    public var font: Font

    /// Creates a style; everything off by default.
    public init(
        bold: Bool = false, underline: Bool = false, doubleWidth: Bool = false, doubleHeight: Bool = false,
        alignment: Alignment = .left, font: Font = .a
    ) {
        self.bold = bold
        self.underline = underline
        self.doubleWidth = doubleWidth
        self.doubleHeight = doubleHeight
        self.alignment = alignment
        self.font = font
    }

    /// Plain left-aligned font A.
    public static let plain = TextStyle()

    /// The `GS ! n` size byte.
    var sizeByte: UInt8 { (doubleWidth ? 0x10 : 0) | (doubleHeight ? 0x01 : 0) }
}
