/// Sorts whatever a printer sends back into what it is.
///
/// A printer sends three kinds of status, told apart by their bit patterns (Epson's
/// "transmission status identification"): answers to the real-time `DLE EOT n` (bits 1 and 4
/// set, bits 0 and 7 clear), 4-byte Automatic Status Back messages (`GS a`: first byte
/// `0xx1xx00`, the other three with bits 4 and 7 clear), and answers to the buffered `GS r n`
/// (bits 4 and 7 clear, outside an ASB message). It also sends bytes nobody asked for: XON/XOFF
/// (0x11/0x13) with software flow control, and garbage on a noisy line. No XON/XOFF byte and
/// no byte of an ASB message has an answer's pattern, so a stray byte is never taken for an
/// answer. Answers that are stale (triggered by `10 04 n` inside raster data) look like real
/// ones: the status probe guards against those by counting answers (see `PrinterStatusProbe`).
///
/// The filter keeps state across bytes (an ASB message may be split between reads), so one
/// filter must see every byte the printer sends, in order.
public struct PrinterReplyFilter: Sendable {
    /// Bytes of an ASB message received so far (0 when none is in progress).
    private var blockLength = 0
    private var block: (UInt8, UInt8, UInt8) = (0, 0, 0)

    /// A filter expecting no block in progress.
    public init() {}

    /// What a received byte turned out to be, when it completes something.
    public enum Reply: Sendable, Equatable {
        /// An answer to a real-time `DLE EOT n` (bits 1 and 4 set, 0 and 7 clear).
        case realtime(UInt8)
        /// An answer to a buffered `GS r n`: the printer sends it only once it has processed
        /// every byte before the request (bits 4 and 7 clear, outside an ASB block).
        case processed(UInt8)
        /// A whole Automatic Status Back message: the printer's state pushed on a change.
        case automatic(PrinterStatus)
    }

    /// Feeds one received byte; returns it when it is an answer to `DLE EOT n`.
    public mutating func feed(_ byte: UInt8) -> UInt8? {
        if case .realtime(let answer) = classify(byte) { return answer }
        return nil
    }

    /// Feeds one received byte; returns what it completes, if anything. XON/XOFF and bytes
    /// inside an ASB message never are answers.
    public mutating func classify(_ byte: UInt8) -> Reply? {
        if byte == 0x11 || byte == 0x13 { return nil }
        if blockLength > 0 {
            if byte & 0x90 == 0 {
                switch blockLength {
                case 1: block.1 = byte
                case 2: block.2 = byte
                default:
                    blockLength = 0
                    return .automatic(PrinterStatus(automaticStatus: block.0, block.1, block.2, byte))
                }
                blockLength += 1
                return nil
            }
            // Not an ASB continuation byte after all: the block was cut short.
            blockLength = 0
        }
        if byte & 0x93 == 0x10 {
            block = (byte, 0, 0)
            blockLength = 1
            return nil
        }
        if PrinterStatus.isAnswer(byte) { return .realtime(byte) }
        return byte & 0x90 == 0 ? .processed(byte) : nil
    }
}
