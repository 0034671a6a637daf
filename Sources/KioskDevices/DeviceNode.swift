import KioskSystem

#if canImport(Glibc)
    import Glibc
#endif

/// An open device node read by a scanner's reader thread: `/dev/input/eventN` (``EvdevDevice``),
/// `/dev/hidrawN` (``HIDRawDevice``), or a FIFO standing in for either in tests.
///
/// Not `Sendable`: it lives on the reader thread. The descriptor is closed by `close()` (at
/// once when the device goes away: a dead descriptor left in a poll set spins) or in `deinit`.
class DeviceNode {
    /// The path it was opened by.
    let path: String
    /// The descriptor; -1 once closed.
    private(set) var fileDescriptor: Int32

    /// Opens `path` for reading, non-blocking.
    ///
    /// The corresponding C function is `open`.
    init(path: String) throws(SystemError) {
        self.path = path
        fileDescriptor = try retryingInterrupts("open(\(path))") { open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
    }

    deinit { close() }

    /// Why a scanner's node could not be opened, for the technician: the system's reason, and
    /// when the node is there but refused, what lets the service open it.
    static func whyNotOpened(_ error: SystemError) -> String {
        guard let advice = DeviceAccessAdvice.advice(errno: error.code, use: .read) else { return error.description }
        return error.description + "; " + advice
    }

    /// Closes the descriptor (never retried).
    func close() {
        guard fileDescriptor >= 0 else { return }
        _ = Glibc.close(fileDescriptor)
        fileDescriptor = -1
    }

    /// Reads what is waiting into `buffer`: the byte count, 0 at end of file, -1 with `errno`.
    ///
    /// The corresponding C function is `read`.
    func read(into buffer: inout [UInt8]) -> Int {
        buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
    }
}
