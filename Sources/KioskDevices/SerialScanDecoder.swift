/// Turns the bytes of a serial-mode scanner (USB CDC-ACM virtual COM port) into scan texts.
///
/// Pure, no I/O. A scan is the bytes up to CR or LF; CRLF (and LFCR) count once because
/// empty lines are skipped. Bytes are UTF-8: decoding happens at the end of the line (CR and
/// LF never occur inside a multi-byte sequence, so a sequence split across reads is whole
/// by then); invalid sequences become U+FFFD and the scan is reported as `.invalidUTF8` too.
/// A scan longer than `EvdevDecoder.maximumLength` scalars is dropped with the rest of its line.
public struct SerialScanDecoder: Sendable {
    /// What some bytes produced.
    public enum Output: Sendable, Equatable {
        /// A complete scan.
        case scan(String)
        /// A scan thrown away.
        case dropped(ScanDropReason)
        /// The scan just delivered held bytes that are not UTF-8 (replaced by U+FFFD).
        case invalidUTF8
    }

    private var line: [UInt8] = []
    private var lineByteCount = 0

    /// Bytes per scan kept at most: four UTF-8 bytes for each allowed scalar.
    private static let maximumBytes = EvdevDecoder.maximumLength * 4

    /// An empty decoder.
    public init() {}

    /// Whether part of a line is waiting for its end.
    public var hasPendingScan: Bool { lineByteCount > 0 }

    /// Feeds bytes as read and appends what they produced.
    public mutating func feed(_ bytes: some Sequence<UInt8>, into outputs: inout [Output]) {
        for byte in bytes {
            if byte == 0x0D || byte == 0x0A {
                endLine(into: &outputs)
                continue
            }
            lineByteCount += 1
            if lineByteCount <= SerialScanDecoder.maximumBytes {
                line.append(byte)
            } else if !line.isEmpty {
                line.removeAll()
            }
        }
    }

    /// Forgets a partial line (the device went away).
    public mutating func reset(into outputs: inout [Output]) {
        if lineByteCount > 0 { outputs.append(.dropped(.deviceGone)) }
        line.removeAll()
        lineByteCount = 0
    }

    private mutating func endLine(into outputs: inout [Output]) {
        defer {
            line.removeAll(keepingCapacity: true)
            lineByteCount = 0
        }
        guard lineByteCount > 0 else { return }
        guard lineByteCount <= SerialScanDecoder.maximumBytes else {
            outputs.append(.dropped(.tooLong(characters: lineByteCount)))
            return
        }
        let valid = String(validating: line, as: UTF8.self)
        let text = valid ?? String(decoding: line, as: UTF8.self)
        let length = text.unicodeScalars.count
        guard length <= EvdevDecoder.maximumLength else {
            outputs.append(.dropped(.tooLong(characters: length)))
            return
        }
        if valid == nil { outputs.append(.invalidUTF8) }
        outputs.append(.scan(text))
    }
}
