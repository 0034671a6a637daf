/// Whether the reader holds the scanner's evdev grab, when to try again, and which scans it
/// may deliver: the one owner of those decisions (the reader only asks and reports results).
///
/// Rules:
/// - With `Grab=yes` on an evdev node the grab is wanted until it is held: a failed attempt
///   (another process holds it: `kioskctl scan-test`, `evtest --grab`, a second kioskd) is
///   tried again every `retryInterval` and at each `SYN_REPORT`, for as long as it takes.
/// - A key held down postpones the attempt (grabbing then would leave the key stuck down for
///   the console).
/// - While the grab is wanted and not held, the keys also reach the console, so a scan read
///   then is dropped (`ScanDropReason.notGrabbed`), never delivered; so is the scan in progress
///   when the grab is taken (its start went to the console too).
/// - Not an evdev node (a FIFO in tests) or `Grab=no`: nothing to hold, every scan delivered.
struct ScannerGrab {
    /// What an attempt gave.
    enum Attempt: Equatable {
        /// `EVIOCGRAB` succeeded.
        case held
        /// A key was down: not attempted.
        case keyHeld
        /// `EVIOCGRAB` (or `EVIOCGKEY`) failed: why.
        case failed(String)
    }

    /// How often a failed grab is tried again.
    static let retryInterval: UInt64 = 250_000_000

    /// Whether the grab is wanted and not held yet.
    private(set) var isPending: Bool
    /// When to try again (monotonic ns), while pending.
    private(set) var retryAt: UInt64?
    /// Failed attempts since the last success (for the log: the first failure is logged, the
    /// repeats are not).
    private(set) var failures = 0
    /// The scan in progress started before the grab was held: drop it at its end.
    private var dropScanInProgress = false

    /// A grab that is `wanted` (`Grab=yes` on an evdev node) or not.
    init(wanted: Bool) { isPending = wanted }

    /// Whether an attempt is due at `now` (a `SYN_REPORT` just came, or the retry time passed).
    func isDue(now: UInt64, atReport: Bool) -> Bool {
        guard isPending else { return false }
        if atReport { return true }
        return retryAt.map { now >= $0 } ?? true
    }

    /// Records the result of an attempt made at `now`, with whether the decoder had a scan in
    /// progress then. Returns whether the failure is new (to be logged once).
    mutating func record(_ attempt: Attempt, now: UInt64, scanInProgress: Bool) -> Bool {
        switch attempt {
        case .held:
            isPending = false
            retryAt = nil
            failures = 0
            dropScanInProgress = scanInProgress
            return false
        case .keyHeld:
            retryAt = now &+ ScannerGrab.retryInterval
            return false
        case .failed:
            retryAt = now &+ ScannerGrab.retryInterval
            failures += 1
            return failures == 1
        }
    }

    /// The device was closed (unplugged, reopened): the next session starts again.
    mutating func restart(wanted: Bool) {
        self = ScannerGrab(wanted: wanted)
    }

    /// Whether a scan that just ended may be delivered; nil when yes, else why it is dropped.
    mutating func dropReasonForEndedScan() -> ScanDropReason? {
        if isPending { return .notGrabbed }
        if dropScanInProgress {
            dropScanInProgress = false
            return .notGrabbed
        }
        return nil
    }

    /// A scan ended without being delivered (dropped for another reason): forget its mark.
    mutating func scanDiscarded() { dropScanInProgress = false }
}
