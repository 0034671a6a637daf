import ESCPOS
import KioskSystem

/// The emulated printer's paper: print bytes since the last receipt, cut into receipts when
/// the line goes quiet.
///
/// The interpreter reads a whole stream, so receipts are split after the fact: once no byte
/// came for `quiet`, the pending bytes are interpreted and split at each cut. A trailing
/// part with no cut is kept for more bytes unless the line stayed quiet for `tearAfter`
/// (printers without a cutter) or the printing stopped (`tear()`).
struct EmulatedPaper {
    let profile: PrinterProfile
    var quiet: UInt64 = 30_000_000
    /// Long enough that a writer stalled mid-receipt by a loaded machine (seen: over 400 ms)
    /// does not split one receipt in two; a printer without a cutter waits this long.
    var tearAfter: UInt64 = 2_000_000_000
    private var pending: [UInt8] = []
    private var lastByteAt: UInt64 = 0

    init(profile: PrinterProfile) { self.profile = profile }

    mutating func receive(_ byte: UInt8) {
        pending.append(byte)
        lastByteAt = monotonicNanoseconds()
    }

    /// Called when no byte came: splits what is pending once the line has been quiet.
    mutating func idle() -> [EmulatedReceipt] {
        guard !pending.isEmpty else { return [] }
        let silent = monotonicNanoseconds() - lastByteAt
        guard silent >= quiet else { return [] }
        return split(tearing: silent >= tearAfter)
    }

    /// Printing stopped (fault, unplug): everything pending comes out, the last part torn.
    mutating func tear() -> [EmulatedReceipt] {
        guard !pending.isEmpty else { return [] }
        return split(tearing: true)
    }

    private mutating func split(tearing: Bool) -> [EmulatedReceipt] {
        let rendered = ESCPOSInterpreter.interpret(pending, profile: profile)
        var segments: [(elements: [RenderedReceipt.Element], cut: Bool)] = []
        var current: [RenderedReceipt.Element] = []
        for element in rendered.elements {
            switch element {
            case .statusRequest: continue
            case .cut:
                current.append(element)
                segments.append((current, true))
                current = []
            default: current.append(element)
            }
        }
        let trailingPrints = current.contains(where: Self.marksPaper)
        if trailingPrints && !tearing { return [] }
        if trailingPrints { segments.append((current, false)) }
        let bytes = pending
        pending = []
        return segments.filter { $0.elements.contains(where: Self.marksPaper) }.map { segment in
            var receipt = rendered
            receipt.elements = segment.elements
            return EmulatedReceipt(bytes: bytes, rendered: receipt, isCut: segment.cut)
        }
    }

    private static func marksPaper(_ element: RenderedReceipt.Element) -> Bool {
        switch element {
        case .statusRequest, .beep, .cut: false
        default: true
        }
    }
}
