/// What an emulated printer does, set by a test or the demo: its condition, how it answers
/// `DLE EOT`, and faults it will cause on its own.
public struct EmulatedPrinterState: Sendable, Equatable {
    /// Cover open: prints nothing, reports cover open.
    public var coverOpen = false
    /// Paper nearly out: still prints, reports paper near end.
    public var paperNearEnd = false
    /// No paper: prints nothing (received print data is lost), reports paper end.
    public var paperOut = false
    /// In error (e.g. cutter jammed): prints nothing, reports offline with an autocutter error.
    public var error = false
    /// Whether it answers `DLE EOT n` at all (false: a printer with status switched off, or
    /// a broken return line).
    public var answersStatus = true
    /// Whether it answers the buffered `GS r n` once it has printed what came before (false:
    /// a printer that does not know the command).
    public var answersBufferedStatus = true
    /// Whether it honours `GS a n` (Automatic Status Back): once enabled, it pushes a 4-byte
    /// status at once and on every change of cover, paper or error (false: a printer without
    /// ASB, which ignores the command).
    public var automaticStatusBack = true
    /// Still printing: answers to the buffered `GS r n` wait (in order) until this turns false,
    /// as a real printer answers only once it has printed what came before.
    public var holdsProcessedAnswers = false
    /// Runs out of paper after this many more received bytes (then `paperOut` turns true).
    public var paperOutAfterBytes: Int?
    /// Vanishes (closes its pseudo-terminal and removes its path, like an unplugged USB
    /// adapter) after this many more received bytes.
    public var vanishAfterBytes: Int?
    /// Whether it reads what the host sends; false stalls the line (the host's writes back
    /// up and must time out).
    public var readsInput = true
    /// Bytes sent once, just before the next status answer (XON/XOFF, an Automatic Status
    /// Back block, a stale answer), to test the host's reply filter.
    public var noiseBeforeNextAnswer: [UInt8] = []

    /// A ready printer.
    public init() {}

    /// Whether received print data lands on paper.
    var prints: Bool { !coverOpen && !paperOut && !error }

    /// The answer to a buffered `GS r n`: paper sensor (`n` 1 or 49: bits 0–1 near end) or
    /// drawer (0). Bits 4 and 7 are always clear.
    public func processedAnswer(to n: UInt8) -> UInt8 {
        n == 1 || n == 49 ? (paperNearEnd ? 0x03 : 0) : 0
    }

    /// The Automatic Status Back message for the current condition: printer (bit 4 fixed, bit
    /// 3 offline, bit 5 cover open), error (bit 3 autocutter), paper sensor (bits 0–1 near end,
    /// bits 2–3 end), and an unused fourth byte.
    func automaticStatus() -> [UInt8] {
        let offline = !prints
        return [
            0x10 | (offline ? 0x08 : 0) | (coverOpen ? 0x20 : 0), error ? 0x08 : 0,
            (paperNearEnd || paperOut ? 0x03 : 0) | (paperOut ? 0x0C : 0), 0,
        ]
    }

    /// The answer to `DLE EOT n`, or nil for an n the printer does not know.
    package func answer(to n: UInt8) -> UInt8? {
        let offline = !prints
        switch n {
        case 1: return 0x12 | (offline ? 0x08 : 0)
        case 2: return 0x12 | (coverOpen ? 0x04 : 0) | (paperOut ? 0x20 : 0) | (error ? 0x40 : 0)
        case 3: return 0x12 | (error ? 0x08 : 0)
        case 4: return 0x12 | (paperNearEnd || paperOut ? 0x0C : 0) | (paperOut ? 0x60 : 0)
        default: return nil
        }
    }
}
