import KioskSystem

/// Joins a HID-POS scanner's Scanned Data Reports into scans: takes each input report as
/// `read` returned it from hidraw, keeps the bytes of a scan whose report says "more
/// follows", and hands over the whole scan with its symbology identifier at the last report.
///
/// Pure (no I/O, time passed in), so every case is a unit test: reports of other IDs are
/// ignored; a scan whose next report never comes is dropped at `deadline`; an over-long scan
/// is dropped, never grown without bound.
public struct HIDPOSReportAssembler: Sendable {
    /// What one report (or the passing of the deadline) produced.
    public enum Output: Sendable, Equatable {
        /// A whole scan.
        case scan(HIDPOSScan)
        /// A scan thrown away, and why.
        case dropped(ScanDropReason)
    }

    /// How long to wait for the next report of a scan that said more follows. Scanners send
    /// them back to back (one per USB poll, 1–8 ms); this is far above that and far below a
    /// person's next scan.
    public static let continuationTimeout: Duration = .seconds(1)
    /// Bytes of one scan at most (an ID card QR is about 100; the evdev reader's limit of
    /// characters, at up to 4 bytes each).
    public static let maximumBytes = EvdevDecoder.maximumLength * 4

    private let descriptor: HIDPOSDescriptor
    private var pending: [UInt8] = []
    private var pendingSymbology = ""
    private var pendingReports = 0
    private var overlong = false
    /// When the scan under way is dropped if its next report has not come
    /// (`monotonicNanoseconds()`); nil when no scan is under way.
    public private(set) var deadline: UInt64?

    /// Assembles the reports `descriptor` describes.
    public init(descriptor: HIDPOSDescriptor) {
        self.descriptor = descriptor
    }

    /// Takes one input report (with its report ID byte in front when the device numbers its
    /// reports). Returns nil while a scan is under way or when the report is not a Scanned
    /// Data Report (a trigger or status report).
    public mutating func feed(_ report: some Collection<UInt8>, now: UInt64) -> Output? {
        var body = ArraySlice(report)
        if let id = descriptor.reportID {
            guard body.first == id else { return nil }
            body = body.dropFirst()
        }
        let data = descriptor.decodedData
        let start = body.startIndex + data.bitOffset / 8
        let capacity = max(0, min(data.bitSize / 8, body.endIndex - start))
        var chunk = capacity > 0 ? Array(body[start..<(start + capacity)]) : []
        if let count = descriptor.byteCount {
            chunk = Array(chunk.prefix(Int(clamping: count.value(in: body))))
        } else {
            while chunk.last == 0 { chunk.removeLast() }
        }
        if pendingReports == 0 {
            pendingSymbology = String(
                decoding: descriptor.symbology.map { UInt8(truncatingIfNeeded: $0.value(in: body)) }.filter { $0 != 0 },
                as: UTF8.self)
        }
        pendingReports += 1
        if pending.count + chunk.count > Self.maximumBytes {
            overlong = true
        } else {
            pending.append(contentsOf: chunk)
        }
        let more = descriptor.continued.map { $0.value(in: body) != 0 } ?? false
        if more {
            deadline = now + Self.nanoseconds(Self.continuationTimeout)
            return nil
        }
        defer { clear() }
        if overlong { return .dropped(.tooLong(characters: Self.maximumBytes + 1)) }
        if pending.isEmpty { return nil }  // an empty report (some scanners send one on trigger release)
        return .scan(HIDPOSScan(bytes: pending, symbology: pendingSymbology))
    }

    /// Drops the scan under way if its deadline has passed.
    public mutating func expire(now: UInt64) -> Output? {
        guard let deadline, now >= deadline else { return nil }
        clear()
        return .dropped(.incomplete)
    }

    /// Drops the scan under way (the device went away).
    public mutating func reset() -> Output? {
        guard pendingReports > 0 else { return nil }
        clear()
        return .dropped(.deviceGone)
    }

    private mutating func clear() {
        pending.removeAll(keepingCapacity: true)
        pendingSymbology = ""
        pendingReports = 0
        overlong = false
        deadline = nil
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 { duration.totalNanoseconds }
}
