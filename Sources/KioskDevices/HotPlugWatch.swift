import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// Waits, spending no CPU, for a device path to appear again: inotify on the device's folder
/// (which also sees `/dev/input/by-id` links and udev's `/dev/kiosk-scanner` link being
/// created), or on the nearest folder that exists when the device's own folder is gone too.
///
/// Not `Sendable`: it lives on the scanner's reader thread.
final class HotPlugWatch {
    private let path: String
    private let inotify: Int32
    private var watched: (descriptor: Int32, folder: String)?

    /// What ended a wait.
    enum Wake {
        /// Something changed in the watched folder (or the fallback interval passed): try
        /// opening the device again.
        case changed
        /// The stop signal.
        case stopped
    }

    /// Watches for `path`.
    init(path: String) throws(SystemError) {
        self.path = path
        inotify = try retryingInterrupts("inotify_init1") { inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) }
    }

    deinit { close(inotify) }

    /// The inotify descriptor, for a reader that polls it next to the open device: readable
    /// when something in the device's folder changed (see `armForSession()`).
    var fileDescriptor: Int32 { inotify }

    /// Watches the open device's folder, so a reader notices its path being removed or
    /// replaced (a FIFO made anew, a udev link re-pointed) while it holds the old file open.
    func armForSession() { arm() }

    /// Forgets the pending change notices (after the reader looked at the path again).
    func acknowledge() { drain() }

    /// Whether `path` now names the file open as `descriptor`: `.same`, `.gone` (no such
    /// path) or `.replaced` (another file, or a link pointing elsewhere).
    static func pathState(_ path: String, open descriptor: Int32) -> PathState {
        var named = stat()
        var opened = stat()
        guard stat(path, &named) == 0 else { return errno == ENOENT || errno == ENOTDIR ? .gone : .same }
        guard fstat(descriptor, &opened) == 0 else { return .same }
        return named.st_dev == opened.st_dev && named.st_ino == opened.st_ino ? .same : .replaced
    }

    /// What `pathState` found.
    enum PathState: Equatable {
        case same, gone, replaced
    }

    /// Blocks until the watched folder changes, `stop` is signalled, or `fallback` passes.
    ///
    /// The fallback is a safety net (a folder replaced between two checks, a permission
    /// fixed by udev in a way inotify does not report); once a second costs nothing measurable.
    func wait(stop: WakePipe, fallback: Duration) -> Wake {
        arm()
        let deadline = MonotonicDeadline(after: max(fallback, .milliseconds(1)))
        switch try? waitForDescriptor(inotify, stop: stop.readEnd, until: deadline) {
        case .stopped: return .stopped
        case .ready: drain()
        case .timedOut, nil: break
        }
        return .changed
    }

    /// Puts the watch on the nearest existing folder on the way to the device.
    private func arm() {
        var folder = HotPlugWatch.parent(of: path)
        while !HotPlugWatch.isDirectory(folder), folder != "/" { folder = HotPlugWatch.parent(of: folder) }
        if let watched, watched.folder == folder { return }
        if let watched { _ = inotify_rm_watch(inotify, watched.descriptor) }
        let mask = UInt32(
            IN_CREATE | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_DELETE | IN_MOVED_FROM)
        let descriptor = inotify_add_watch(inotify, folder, mask)
        watched = descriptor >= 0 ? (descriptor, folder) : nil
    }

    /// Reads and forgets every pending inotify event (which one does not matter: the caller
    /// simply tries to open the device again).
    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
            if n > 0 { continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        // A deleted or moved folder invalidates its watch; the next arm() looks again.
        if let watched, !HotPlugWatch.isDirectory(watched.folder) {
            _ = inotify_rm_watch(inotify, watched.descriptor)
            self.watched = nil
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }
}
