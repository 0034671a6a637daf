/// Reassembles whole `input_event` records from reads that may split them.
///
/// An evdev node always returns whole records, but a FIFO or pipe (tests, recorded
/// captures) may return any number of bytes: the partial record at the end of a read is
/// kept and completed by the next one.
public struct InputEventRecordBuffer: Sendable {
    private var partial: [UInt8] = []

    /// An empty buffer.
    public init() {}

    /// Bytes of an incomplete record waiting for the rest.
    public var pendingByteCount: Int { partial.count }

    /// Forgets a partial record (after the device went away).
    public mutating func reset() { partial.removeAll(keepingCapacity: true) }

    /// Appends what one read returned and calls `body` with each completed record, in order.
    public mutating func append(_ bytes: UnsafeRawBufferPointer, _ body: (InputEvent) -> Void) {
        let size = InputEvent.recordSize
        var offset = 0
        if !partial.isEmpty {
            let needed = size - partial.count
            let take = min(needed, bytes.count)
            partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<take]))
            offset = take
            guard partial.count == size else { return }
            partial.withUnsafeBytes { body(InputEvent(record: $0)) }
            partial.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= size {
            body(InputEvent(record: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + size])))
            offset += size
        }
        if offset < bytes.count {
            partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset...]))
        }
    }
}
