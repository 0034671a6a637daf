import KioskSystem

/// Why an operation on a printer's or scanner's port failed, in words a technician can act on:
/// a serial port, a USB-class printer (usblp) or a network printer.
///
/// `isDeviceGone` means the device went away (unplugged USB adapter, closed pseudo-terminal):
/// close the port and reopen it by path with backoff.
public struct SerialPortError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of port failed, named first in the description.
    public enum Port: Sendable, Equatable {
        case serial
        case usbPrinter
        case network

        var noun: String {
            switch self {
            case .serial: "serial port"
            case .usbPrinter: "USB printer"
            case .network: "network printer"
            }
        }
    }

    private enum Code: Sendable, Equatable {
        case missing
        case busy
        case notATerminal
        case gone
        case timedOut
        /// EACCES: the node's owner, group and mode refuse the service's user.
        case permissionDenied
        /// EPERM: refused by the service's sandbox (its device list, or its IP filter).
        case notPermitted
        case system
        case unsupportedBaud(requested: SerialPortSettings.BaudRate, highest: SerialPortSettings.BaudRate?)
    }

    private let code: Code
    /// The kind of port.
    public let port: Port
    /// The device path, e.g. `/dev/ttyUSB0`.
    public let path: String
    /// What was being done, e.g. `writing 2048 bytes`.
    public let operation: String
    /// The failing system call and its errno, when there was one.
    public let systemError: SystemError?
    /// Bytes already written when a write failed or timed out.
    public let bytesWritten: Int?

    private init(
        _ code: Code, port: Port, path: String, operation: String, systemError: SystemError? = nil,
        bytesWritten: Int? = nil
    ) {
        self.code = code
        self.port = port
        self.path = path
        self.operation = operation
        self.systemError = systemError
        self.bytesWritten = bytesWritten
    }

    /// Classifies a failed call: device gone, missing, busy, refused, or another system error.
    static func from(
        _ error: SystemError, port: Port = .serial, path: String, operation: String, bytesWritten: Int? = nil
    ) -> SerialPortError {
        let code: Code
        if error.meansDeviceGone {
            code = .gone
        } else if error.code == ENOENT {
            code = .missing
        } else if error.code == EBUSY {
            code = .busy
        } else if error.code == ENOTTY {
            code = .notATerminal
        } else if error.code == EACCES {
            code = .permissionDenied
        } else if error.code == EPERM {
            code = .notPermitted
        } else {
            code = .system
        }
        return SerialPortError(
            code, port: port, path: path, operation: operation, systemError: error, bytesWritten: bytesWritten)
    }

    /// The port's driver cannot do `requested` (tcsetattr EINVAL, or it kept another speed):
    /// a 16550A UART tops out at 115200. `highest` is the fastest speed it took, if any.
    static func unsupportedBaud(
        path: String, requested: SerialPortSettings.BaudRate, highest: SerialPortSettings.BaudRate?
    ) -> SerialPortError {
        SerialPortError(
            .unsupportedBaud(requested: requested, highest: highest), port: .serial, path: path,
            operation: "configuring \(requested) baud")
    }

    /// The device hung up (`POLLHUP`, `POLLERR`, a zero-byte read on a terminal).
    static func hangUp(port: Port = .serial, path: String, operation: String, bytesWritten: Int? = nil)
        -> SerialPortError
    {
        SerialPortError(.gone, port: port, path: path, operation: operation, bytesWritten: bytesWritten)
    }

    /// The deadline passed.
    static func timedOut(port: Port = .serial, path: String, operation: String, bytesWritten: Int? = nil)
        -> SerialPortError
    {
        SerialPortError(.timedOut, port: port, path: path, operation: operation, bytesWritten: bytesWritten)
    }

    /// The device went away (EIO, ENXIO, ENODEV, hang-up): reopen by path with backoff.
    public var isDeviceGone: Bool { code == .gone }
    /// No device at the path (ENOENT): not plugged in, or the udev link is missing.
    public var isDeviceMissing: Bool { code == .missing }
    /// The deadline passed (stalled flow control, a reader that stopped reading).
    public var isTimeout: Bool { code == .timedOut }
    /// The port cannot do the configured speed: a configuration problem (`Baud=`), not a
    /// missing device; reopening will not help until the configuration changes.
    public var isUnsupportedBaud: Bool {
        if case .unsupportedBaud = code { return true }
        return false
    }
    /// Whether the caller should close, wait and reopen the port by path.
    public var needsReopen: Bool { code == .gone || code == .missing }

    /// `serial port /dev/ttyUSB0: device gone while writing 512 bytes (write: Input/output error (errno 5))`;
    /// a refused permission or sandbox says what lets the service in.
    public var description: String {
        if case .unsupportedBaud(let requested, let highest) = code {
            // `cannot do 230400 baud on /dev/ttyS1; set Baud= to 115200 or lower`.
            let advice =
                highest.map { "set Baud= to \($0) or lower" } ?? "no standard speed was accepted; check the port"
            return "cannot do \(requested) baud on \(path); \(advice)"
        }
        var text = "\(port.noun) \(path): "
        switch code {
        case .missing where port == .network: text += "not found while \(operation)"
        case .missing: text += "no such device (not plugged in, or the udev link is missing) while \(operation)"
        case .busy: text += "in use by another process (exclusive access) while \(operation)"
        case .notATerminal: text += "not a serial port while \(operation)"
        case .gone: text += "device gone while \(operation)"
        case .timedOut: text += "timed out while \(operation)"
        case .permissionDenied: text += "no permission while \(operation)"
        case .notPermitted: text += "refused by the service's sandbox while \(operation)"
        case .system: text += "failed while \(operation)"
        case .unsupportedBaud: break
        }
        if let bytesWritten { text += " after \(bytesWritten) bytes" }
        if let systemError { text += " (\(systemError))" }
        if let advice { text += "; " + advice }
        return text
    }
}

extension SerialPortError {
    /// What lets the service in, for a refused permission or sandbox.
    fileprivate var advice: String? {
        guard code == .permissionDenied || code == .notPermitted, let systemError else { return nil }
        return DeviceAccessAdvice.advice(errno: systemError.code, use: port == .network ? .network : .readWrite)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
