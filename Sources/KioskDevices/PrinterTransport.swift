import KioskSystem

/// What the printer link needs of the wire to its printer: bounded writes, a drain, bounded
/// reads for status answers, and flushing. A serial port, a USB printer-class device
/// (`/dev/usb/lp0`, usblp) and a network printer (TCP port 9100) all provide it, so status
/// before and after each job, reopen with backoff and the job's outcome work the same on each.
///
/// Implementations are not `Sendable`: a transport belongs to the printer link's thread.
/// Errors are `SerialPortError`; `needsReopen` means close and open again by name later.
protocol PrinterTransport: AnyObject {
    /// Writes all of `bytes` before `timeout`, or throws (with the bytes already written).
    func write(_ bytes: [UInt8], timeout: Duration) throws(SerialPortError)
    /// Waits, at most `timeout`, until every written byte has left for the printer.
    func drain(timeout: Duration) throws(SerialPortError)
    /// What has arrived, up to `maxCount` bytes, waiting at most `timeout`; empty when nothing came.
    func read(upTo maxCount: Int, timeout: Duration) throws(SerialPortError) -> [UInt8]
    /// Drops received bytes not yet read.
    func discardInput() throws(SerialPortError)
    /// Drops written bytes not yet sent, where the transport can.
    func discardOutput() throws(SerialPortError)
    /// Closes the transport (once).
    func close()
    /// The descriptor to poll for received bytes (pushed status, late answers) while the link
    /// waits for requests; -1 once closed. The transport still owns it.
    var fileDescriptor: Int32 { get }
}

/// How `[Printer] Device=` reaches the printer.
enum PrinterTransportKind: Equatable, Sendable {
    /// A serial port (the default): `/dev/ttyUSB0`, `/dev/kiosk-printer` linked to one.
    case serial(path: String)
    /// A USB printer-class device (usblp): `/dev/usb/lp0`, a link to it, or `usblp:PATH`.
    case usbLinePrinter(path: String)
    /// A network printer: `tcp://HOST:PORT` (port 9100 when left out).
    case network(host: String, port: UInt16)

    /// The kind for a `Device=` value. Links are followed, so `/dev/kiosk-printer` made by the
    /// udev rule for a usblp device is a USB printer; `usblp:PATH` forces the USB printer
    /// class for any path (a stand-in in tests). Nil for a malformed `tcp://` address.
    static func of(device: String) -> PrinterTransportKind? {
        if device.hasPrefix("tcp://") {
            return NetworkPrinterAddress(device).map { .network(host: $0.host, port: $0.port) }
        }
        if device.hasPrefix("usblp:") { return .usbLinePrinter(path: String(device.dropFirst(6))) }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        if let resolved = realpath(device, &buffer) {
            let target = String(cString: resolved)
            if target.hasPrefix("/dev/usb/lp") { return .usbLinePrinter(path: device) }
        } else if device.hasPrefix("/dev/usb/lp") {
            return .usbLinePrinter(path: device)
        }
        return .serial(path: device)
    }

    /// Opens the transport for a `Device=` value (serial settings apply to serial ports only).
    static func open(device: String, serial settings: SerialPortSettings) throws(SerialPortError)
        -> any PrinterTransport
    {
        guard let kind = of(device: device) else {
            throw .from(SystemError(EINVAL, call: "tcp:// address"), path: device, operation: "reading the address")
        }
        return try kind.open(serial: settings, name: device)
    }

    /// Opens the transport (serial settings apply to serial ports only).
    func open(serial settings: SerialPortSettings, name: String) throws(SerialPortError) -> any PrinterTransport {
        switch self {
        case .serial(let path): return try SerialPort(path: path, settings: settings)
        case .usbLinePrinter(let path): return try USBLinePrinterPort(path: path)
        case .network(let host, let port):
            return try NetworkPrinterPort(host: host, port: port, name: name, connectTimeout: .seconds(3))
        }
    }
}

/// `tcp://HOST:PORT` split into its parts; IPv6 hosts in brackets (`tcp://[::1]:9100`).
struct NetworkPrinterAddress: Equatable, Sendable {
    var host: String
    var port: UInt16

    init?(_ text: String) {
        guard text.hasPrefix("tcp://") else { return nil }
        var rest = Substring(text.dropFirst(6))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            portText = rest[rest.index(after: colon)...]
        } else {
            host = String(rest)
        }
        if let portText {
            guard let p = UInt16(portText), p > 0 else { return nil }
            port = p
        } else {
            port = 9100
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || ".-:_".contains($0) }) else { return nil }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
