/// How the printer link reaches its printer and how long it waits for it.
public struct PrinterLinkConfiguration: Sendable {
    /// Device path opened (and reopened) by name, e.g. `/dev/kiosk-printer`.
    public var devicePath: String
    /// Serial settings (baud, flow control).
    public var serial: SerialPortSettings
    /// Whether the printer answers `DLE EOT` (`Status=` of kiosk.conf and the profile). When
    /// false, the link never asks and takes an open port as a printer that is ready.
    public var asksStatus: Bool
    /// Time to wait for each status answer.
    public var statusTimeout: Duration
    /// For a printer that does not answer the buffered `GS r` request only: pause after the
    /// last byte drained, before the status check, so the printer has printed what it
    /// buffered. Printers that answer it are checked as soon as they have (no fixed pause).
    public var settleAfterJob: Duration
    /// Longest time the printer may take to print what it buffered before the check after a
    /// job stops waiting for its answer to the buffered request.
    public var printAllowance: Duration
    /// Bytes of a job written before each drain: the most a kill can leave in the kernel's
    /// buffer, still to be printed, without the job's row saying it was written.
    public var drainChunk: Int
    /// Quiet time a status probe waits after the fourth answer when a stale answer may still
    /// be in flight (after opening the port, or after a job the printer did not confirm).
    public var statusSettle: Duration
    /// First wait before reopening a missing or vanished device; doubles up to `maximumBackoff`.
    public var minimumBackoff: Duration
    /// Longest wait between reopen attempts.
    public var maximumBackoff: Duration
    /// How often an idle link checks the printer (status, or a hang-up without status).
    public var idleCheckInterval: Duration
    /// Added to twice a job's wire time to bound its write and drain.
    public var writeMargin: Duration

    /// Creates a configuration with production defaults.
    public init(
        devicePath: String, serial: SerialPortSettings, asksStatus: Bool = true,
        statusTimeout: Duration = .milliseconds(500), settleAfterJob: Duration = .milliseconds(800),
        minimumBackoff: Duration = .milliseconds(250), maximumBackoff: Duration = .seconds(10),
        idleCheckInterval: Duration = .seconds(5), writeMargin: Duration = .seconds(10),
        printAllowance: Duration = .seconds(5),
        statusSettle: Duration = .milliseconds(30), drainChunk: Int = 256
    ) {
        self.drainChunk = drainChunk
        self.printAllowance = printAllowance
        self.statusSettle = statusSettle
        self.devicePath = devicePath
        self.serial = serial
        self.asksStatus = asksStatus
        self.statusTimeout = statusTimeout
        self.settleAfterJob = settleAfterJob
        self.minimumBackoff = minimumBackoff
        self.maximumBackoff = maximumBackoff
        self.idleCheckInterval = idleCheckInterval
        self.writeMargin = writeMargin
    }

    /// Time allowed to write and drain `count` bytes: twice their wire time plus the margin.
    func transferTimeout(for count: Int) -> Duration {
        let wireNanoseconds = Int64(count) * 1_000_000_000 / Int64(serial.baudRate.bytesPerSecond)
        return .nanoseconds(2 * wireNanoseconds) + writeMargin
    }
}
