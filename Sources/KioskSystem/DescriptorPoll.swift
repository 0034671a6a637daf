#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What waiting on descriptors came to.
public enum PollOutcome: Sendable, Equatable {
    /// At least one descriptor reported events: `revents[i]` is what descriptor `i` reported
    /// (0 for those with nothing), in the order they were given.
    case ready([Int16])
    /// The stop descriptor became readable (or hung up): the caller's thread should end.
    case stopped
    /// The deadline passed with nothing ready.
    case timedOut

    /// The events descriptor `index` reported; 0 unless `.ready`.
    public func events(of index: Int) -> Int16 {
        guard case .ready(let revents) = self, revents.indices.contains(index) else { return 0 }
        return revents[index]
    }
}

/// The one `poll` loop of the code base: waits until one of `descriptors` is ready for
/// `events`, the `stop` descriptor (a ``WakePipe``'s read end) becomes readable, or the
/// `deadline` on the monotonic clock passes.
///
/// `EINTR` is retried here, with the time left recomputed from the deadline, so a signal
/// neither ends the wait early nor stretches it. `.timedOut` is answered only once the deadline
/// has passed (a `poll` that wakes a little early waits again). The stop descriptor wins over
/// ready descriptors, so a thread told to stop never does one more read. With no descriptors
/// and a stop descriptor, this is a sleep that a stop cuts short.
///
/// - Parameters:
///   - descriptors: what to wait on; a negative descriptor is ignored (as `poll` does).
///   - events: `POLLIN`, `POLLOUT`…, the same for every descriptor.
///   - stop: a descriptor polled for `POLLIN`; any event on it answers `.stopped`.
///   - deadline: nil waits without limit.
/// - Throws: ``SystemError`` when `poll` fails for another reason than `EINTR`.
///
/// The corresponding C function is `poll`.
public func waitForDescriptors(
    _ descriptors: [Int32], for events: Int16 = Int16(POLLIN), stop: Int32? = nil,
    until deadline: MonotonicDeadline? = nil
) throws(SystemError) -> PollOutcome {
    try waitForDescriptors(descriptors.map { DescriptorInterest($0, events) }, stop: stop, until: deadline)
}

/// A descriptor and the events to wait for on it (``waitForDescriptors(_:stop:until:)``).
public struct DescriptorInterest: Sendable, Equatable {
    /// The descriptor; a negative one is ignored (as `poll` does).
    public var descriptor: Int32
    /// `POLLIN`, `POLLOUT`… for this descriptor.
    public var events: Int16

    /// The interest in `events` on `descriptor`.
    public init(_ descriptor: Int32, _ events: Int16) {
        self.descriptor = descriptor
        self.events = events
    }
}

/// ``waitForDescriptors(_:for:stop:until:)`` with events chosen per descriptor (a server that
/// waits to read from some clients and to write to others). The same loop: `EINTR` retried,
/// the stop descriptor first, `.timedOut` only once the deadline has passed.
///
/// The corresponding C function is `poll`.
public func waitForDescriptors(
    _ interests: [DescriptorInterest], stop: Int32? = nil, until deadline: MonotonicDeadline? = nil
) throws(SystemError) -> PollOutcome {
    var entries = interests.map { pollfd(fd: $0.descriptor, events: $0.events, revents: 0) }
    if let stop { entries.append(pollfd(fd: stop, events: Int16(POLLIN), revents: 0)) }
    while true {
        for k in entries.indices { entries[k].revents = 0 }
        let timeout = deadline?.pollMilliseconds ?? -1
        let ready = poll(&entries, nfds_t(entries.count), timeout)
        if ready < 0 {
            let code = errno
            if code == EINTR { continue }
            throw SystemError(code, call: "poll")
        }
        if stop != nil, entries[entries.count - 1].revents != 0 { return .stopped }
        if ready > 0 { return .ready(entries.prefix(interests.count).map(\.revents)) }
        if deadline?.hasPassed ?? false { return .timedOut }
    }
}

/// ``waitForDescriptors(_:for:stop:until:)`` for one descriptor.
///
/// The corresponding C function is `poll`.
public func waitForDescriptor(
    _ descriptor: Int32, for events: Int16 = Int16(POLLIN), stop: Int32? = nil,
    until deadline: MonotonicDeadline? = nil
) throws(SystemError) -> PollOutcome {
    try waitForDescriptors([descriptor], for: events, stop: stop, until: deadline)
}

/// Sleeps on the calling thread until `deadline`, or until `stop` becomes readable; true when
/// stopped. Never call it from the Swift concurrency pool.
///
/// The corresponding C function is `poll`.
@discardableResult
public func sleepUnlessStopped(until deadline: MonotonicDeadline, stop: Int32?) -> Bool {
    (try? waitForDescriptors([], stop: stop, until: deadline)) == .stopped
}
