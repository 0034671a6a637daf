import KioskSystem

/// How a reader's session with an open device node ended.
enum DeviceSessionEnd {
    /// The stop signal came.
    case stopped
    /// Could not open, or the device went away: why.
    case missing(String)
    /// End of file on a FIFO (its writer closed): open again at once, quietly; whether
    /// anything was read before it.
    case endOfFile(readSomething: Bool)
}

/// The scaffolding every scanner reader shares, run on the reader's own thread (never the
/// Swift concurrency pool): sessions with the device node while it is there; when it goes
/// away, "missing" once and a wait for its return on inotify (``HotPlugWatch``), or every
/// recheck interval when inotify is unavailable; a FIFO's end of file reopens at once.
///
/// `ScannerReader` (evdev, serial) and `HIDPOSScannerReader` (hidraw) differ only in their
/// sessions.
struct DeviceNodeLoop {
    /// The device's path, for the watch and the log.
    let device: String
    /// Where "hot-plug-unavailable" goes.
    let logger: Logger
    /// The reader's stop signal.
    let stop: WakePipe
    /// How often to look for a missing device when nothing wakes the watch.
    let recheckInterval: Duration

    /// Runs sessions until the stop signal. `session` gets the folder watch (nil without
    /// inotify) and whether it reopens after an end of file; `missing` is told why a session
    /// could not go on.
    func run(session: (HotPlugWatch?, _ afterEndOfFile: Bool) -> DeviceSessionEnd, missing: (String) -> Void) {
        var watch: HotPlugWatch?
        do {
            watch = try HotPlugWatch(path: device)
        } catch {
            logger.log(.error, "scanner hot-plug-unavailable", [("device", device), ("error", error.description)])
        }
        var endsOfFile = 0
        var afterEndOfFile = false
        while !stop.isSignalled {
            let end = session(watch, afterEndOfFile)
            if case .endOfFile = end { afterEndOfFile = true } else { afterEndOfFile = false }
            switch end {
            case .stopped:
                return
            case .endOfFile(let readSomething):
                // A FIFO whose writer went away: reopen at once. Twice in a row with nothing
                // read (a regular file given as the device) waits instead of spinning.
                endsOfFile = readSomething ? 0 : endsOfFile + 1
                if endsOfFile < 2 { continue }
                endsOfFile = 0
            case .missing(let reason):
                missing(reason)
            }
            if let watch {
                if watch.wait(stop: stop, fallback: recheckInterval) == .stopped { return }
            } else if sleepUnlessStopped(until: MonotonicDeadline(after: recheckInterval), stop: stop.readEnd) {
                return
            }
        }
    }
}
