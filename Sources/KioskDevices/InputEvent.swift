import CKioskShim

/// One evdev event: a `struct input_event` record as the kernel delivers it from
/// `/dev/input/eventN`.
///
/// The record's size and layout are the platform's (`MemoryLayout<input_event>.size`, 24 bytes
/// on 64-bit Linux, 16 on 32-bit with a 32-bit `time_t`), taken from `linux/input.h` through
/// the C shim, never a literal.
public struct InputEvent: Sendable, Equatable {
    /// `EV_SYN`, `EV_KEY`, `EV_MSC`, …
    public var type: UInt16
    /// For `EV_KEY` the key code (`KEY_A` is 30); for `EV_SYN` `SYN_REPORT` or `SYN_DROPPED`.
    public var code: UInt16
    /// For `EV_KEY`: 0 release, 1 press, 2 autorepeat.
    public var value: Int32
    /// The kernel's timestamp, whole seconds.
    public var seconds: Int64
    /// The kernel's timestamp, microseconds within the second.
    public var microseconds: Int64

    /// Creates an event.
    public init(type: UInt16, code: UInt16, value: Int32, seconds: Int64 = 0, microseconds: Int64 = 0) {
        self.type = type
        self.code = code
        self.value = value
        self.seconds = seconds
        self.microseconds = microseconds
    }

    /// The size of one record on this platform: `sizeof(struct input_event)`.
    public static let recordSize = MemoryLayout<input_event>.size

    /// Reads one record from the start of `bytes`, which holds at least `recordSize` bytes.
    public init(record bytes: UnsafeRawBufferPointer) {
        precondition(bytes.count >= InputEvent.recordSize, "an input_event record needs \(InputEvent.recordSize) bytes")
        let raw = bytes.loadUnaligned(as: input_event.self)
        self.init(
            type: raw.type, code: raw.code, value: raw.value, seconds: Int64(raw.time.tv_sec),
            microseconds: Int64(raw.time.tv_usec))
    }

    /// The record's bytes, as a device would deliver them.
    public var record: [UInt8] {
        var raw = input_event()
        raw.time.tv_sec = .init(truncatingIfNeeded: seconds)
        raw.time.tv_usec = .init(truncatingIfNeeded: microseconds)
        raw.type = type
        raw.code = code
        raw.value = value
        return withUnsafeBytes(of: &raw) { Array($0) }
    }

    /// The records of `events`, one after another.
    public static func records(_ events: [InputEvent]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(events.count * recordSize)
        for event in events { bytes += event.record }
        return bytes
    }

    /// Every whole record in `bytes`, in order; a trailing partial record is ignored.
    public static func events(inRecords bytes: [UInt8]) -> [InputEvent] {
        bytes.withUnsafeBytes { buffer in
            stride(from: 0, through: buffer.count - recordSize, by: recordSize).map {
                InputEvent(record: UnsafeRawBufferPointer(rebasing: buffer[$0..<$0 + recordSize]))
            }
        }
    }

    /// The kernel's timestamp in nanoseconds (of `CLOCK_MONOTONIC` when the reader set
    /// `EVIOCSCLOCKID`, of the wall clock otherwise).
    public var nanoseconds: Int64 {
        seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue &+ microseconds &* 1000
    }

    /// Whether this is a key event.
    public var isKey: Bool { type == InputEvent.typeKey }
    /// Whether this is `EV_SYN/SYN_REPORT`, the end of one batch of changes.
    public var isReport: Bool { type == InputEvent.typeSynchronization && code == InputEvent.synReport }
    /// Whether this is `EV_SYN/SYN_DROPPED`: the kernel's buffer overran and events were lost.
    public var isDropped: Bool { type == InputEvent.typeSynchronization && code == InputEvent.synDropped }

    /// `EV_SYN`.
    public static let typeSynchronization = UInt16(EV_SYN)
    /// `EV_KEY`.
    public static let typeKey = UInt16(EV_KEY)
    /// `EV_MSC` (scan codes that precede key events).
    public static let typeMisc = UInt16(EV_MSC)
    /// `SYN_REPORT`.
    public static let synReport = UInt16(SYN_REPORT)
    /// `SYN_DROPPED`.
    public static let synDropped = UInt16(SYN_DROPPED)
    /// `MSC_SCAN`.
    public static let mscScan = UInt16(MSC_SCAN)
    /// Key value: released.
    public static let released: Int32 = 0
    /// Key value: pressed.
    public static let pressed: Int32 = 1
    /// Key value: autorepeat while held.
    public static let repeated: Int32 = 2

    /// A key event.
    public static func key(_ code: UInt16, _ value: Int32, seconds: Int64 = 0, microseconds: Int64 = 0) -> InputEvent {
        InputEvent(type: typeKey, code: code, value: value, seconds: seconds, microseconds: microseconds)
    }

    /// `EV_SYN/SYN_REPORT`.
    public static func report(seconds: Int64 = 0, microseconds: Int64 = 0) -> InputEvent {
        InputEvent(type: typeSynchronization, code: synReport, value: 0, seconds: seconds, microseconds: microseconds)
    }

    /// `EV_SYN/SYN_DROPPED`.
    public static func dropped(seconds: Int64 = 0, microseconds: Int64 = 0) -> InputEvent {
        InputEvent(type: typeSynchronization, code: synDropped, value: 0, seconds: seconds, microseconds: microseconds)
    }
}
