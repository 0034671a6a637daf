import Foundation
import KioskDevices

#if canImport(Glibc)
    import Glibc
#endif

/// The HID-POS scanner stand-in (``ScannerFIFO``'s sibling): a FIFO at the configured
/// `[Scanner] Device=` with its report descriptor beside it (`.rdesc`, as sysfs gives it for
/// /dev/hidrawN), fed the input reports of whole scans.
final class HIDPOSScannerFIFO {
    let path: String
    private let fd: Int32
    private let layout: HIDPOSDescriptor

    init(path: String) throws {
        self.path = path
        try Data(HIDPOSEndToEndTests.descriptor).write(to: URL(fileURLWithPath: path + ".rdesc"))
        guard mkfifo(path, 0o600) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        // Read-write, so opening never blocks and the reader never sees end-of-file between scans.
        fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        layout = try HIDPOSDescriptor(parsing: HIDPOSEndToEndTests.descriptor)
    }

    /// The input reports a scanner sends for one scan of `text` with the AIM `symbology`.
    func reports(for text: String, symbology: String) -> [[UInt8]] {
        layout.reports(for: Array(text.utf8), symbology: symbology)
    }

    /// Writes one report; false when it was not written whole.
    func write(_ report: [UInt8]) -> Bool {
        report.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == report.count
    }

    /// Sends the reports of one scan of `text` (by default `]C0`, CODE128) in one write; false
    /// when they were not written whole.
    func scan(_ text: String, symbology: String = "]C0") -> Bool {
        write(scan: reports(for: text, symbology: symbology))
    }

    /// Writes the reports of one scan in one `write`, so the reader takes them in one read: a
    /// scanner sends a scan's reports milliseconds apart, while a loaded machine can stall the
    /// test's thread between two writes for longer than the reader's continuation timeout
    /// (1 s), which would drop the scan as cut short. One write of at most `PIPE_BUF` bytes
    /// reaches a FIFO's reader whole.
    func write(scan reports: [[UInt8]]) -> Bool {
        let bytes = reports.flatMap { $0 }
        precondition(bytes.count <= Int(PIPE_BUF), "one scan's reports exceed PIPE_BUF: split the text")
        return write(bytes)
    }

    deinit { close(fd) }
}
