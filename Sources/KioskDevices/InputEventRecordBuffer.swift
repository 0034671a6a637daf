/// Reassembles whole `input_event` records from reads that may split them.
///
/// An evdev node always returns whole records, but a FIFO or pipe (tests, recorded
/// captures) may return any number of bytes: the partial record at the end of a read is
/// kept and completed by the next one. A partial record that stays incomplete while the line
/// is quiet was torn (a writer that died mid-record): the reader calls `discardTorn()`, so
/// the next bytes start a record again instead of every later record being read shifted.
public struct InputEventRecordBuffer: Sendable {
    private var partial: [UInt8] = []

    /// An empty buffer.
    public init() {}

    /// Bytes of an incomplete record waiting for the rest.
    public var pendingByteCount: Int { partial.count }

    /// Forgets a partial record (after the device went away).
    public mutating func reset() { partial.removeAll(keepingCapacity: true) }

    /// Throws away a partial record that will not be completed; returns how many bytes it had.
    @discardableResult
    public mutating func discardTorn() -> Int {
        defer { partial.removeAll(keepingCapacity: true) }
        return partial.count
    }

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
