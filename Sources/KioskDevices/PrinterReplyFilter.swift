/// Picks the answers to `DLE EOT n` out of whatever a printer sends back.
///
/// A printer also sends bytes nobody asked for: XON/XOFF (0x11/0x13) with software flow
/// control, 4-byte Automatic Status Back blocks (first byte `0xx1xx00`, the other three with
/// bits 4 and 7 clear), and garbage on a noisy line. An answer has bits 1 and 4 set and bits
/// 0 and 7 clear, which neither an XON/XOFF byte nor any byte of an ASB block can have, so a
/// stray byte is never taken for an answer. Answers that are stale (triggered by `10 04 n`
/// inside raster data) look like real ones: the status probe guards against those by
/// counting answers (see `PrinterStatusProbe`).
public struct PrinterReplyFilter: Sendable {
    private var blockBytesLeft = 0

    /// A filter expecting no block in progress.
    public init() {}

    /// What a received byte turned out to be, when it is an answer.
    public enum Reply: Sendable, Equatable {
        /// An answer to a real-time `DLE EOT n` (bits 1 and 4 set, 0 and 7 clear).
        case realtime(UInt8)
        /// An answer to a buffered `GS r n`: the printer sends it only once it has processed
        /// every byte before the request (bits 4 and 7 clear, outside an ASB block).
        case processed(UInt8)
    }

    /// Feeds one received byte; returns it when it is a status answer.
    public mutating func feed(_ byte: UInt8) -> UInt8? {
        if case .realtime(let answer) = classify(byte) { return answer }
        return nil
    }

    /// Feeds one received byte; returns what answer it is, if any. XON/XOFF and ASB blocks
    /// are never answers.
    public mutating func classify(_ byte: UInt8) -> Reply? {
        if byte == 0x11 || byte == 0x13 { return nil }
        if blockBytesLeft > 0 {
            if byte & 0x90 == 0 {
                blockBytesLeft -= 1
                return nil
            }
            // Not an ASB continuation byte after all: the block was cut short.
            blockBytesLeft = 0
        }
        if byte & 0x93 == 0x10 {
            blockBytesLeft = 3
            return nil
        }
        if PrinterStatus.isAnswer(byte) { return .realtime(byte) }
        return byte & 0x90 == 0 ? .processed(byte) : nil
    }
}
