#if canImport(Glibc)
    import Glibc
#endif

/// How a serial port is set up: speed, framing and flow control.
///
/// Always 8 data bits; parity and stop bits are settable (printers and scanners use 8N1, the
/// default). The port applies every field explicitly on top of `cfmakeraw`.
public struct SerialPortSettings: Sendable, Equatable {
    /// Line speeds the kiosk supports (the `Baud=` values of kiosk.conf).
    public enum BaudRate: Int, Sendable, CaseIterable, CustomStringConvertible {
        /// 9600 bit/s, the factory speed of many 58 mm printers.
        case b9600 = 9600
        /// 19200 bit/s.
        case b19200 = 19200
        /// 38400 bit/s, Epson's factory speed.
        case b38400 = 38400
        /// 57600 bit/s.
        case b57600 = 57600
        /// 115200 bit/s.
        case b115200 = 115_200
        /// 230400 bit/s.
        case b230400 = 230_400

        /// The termios `speed_t` constant (`B9600`, …).
        var speed: speed_t {
            switch self {
            case .b9600: speed_t(B9600)
            case .b19200: speed_t(B19200)
            case .b38400: speed_t(B38400)
            case .b57600: speed_t(B57600)
            case .b115200: speed_t(B115200)
            case .b230400: speed_t(B230400)
            }
        }

        /// Bytes per second on the wire: 10 bit times a byte (start, 8 data, stop).
        public var bytesPerSecond: Int { rawValue / 10 }

        /// `115200`.
        public var description: String { String(rawValue) }
    }

    /// How the two ends say "wait".
    public enum FlowControl: String, Sendable, CaseIterable {
        /// None: the port paces its writes to the baud rate instead.
        case none
        /// Hardware RTS/CTS lines (`CRTSCTS`).
        case rtscts
        /// Software XON/XOFF bytes (`IXON|IXOFF`).
        case xonxoff
    }

    /// Parity bit.
    public enum Parity: Sendable, Equatable {
        /// No parity bit (`PARENB` cleared).
        case none
        /// Even parity (`PARENB`).
        case even
        /// Odd parity (`PARENB|PARODD`).
        case odd
    }

    /// Stop bits.
    public enum StopBits: Sendable, Equatable {
        /// One stop bit (`CSTOPB` cleared).
        case one
        /// Two stop bits (`CSTOPB`).
        case two
    }

    /// Line speed.
    public var baudRate: BaudRate
    /// Flow control.
    public var flowControl: FlowControl
    /// Parity; `.none` by default.
    public var parity: Parity
    /// Stop bits; `.one` by default.
    public var stopBits: StopBits
    /// With `FlowControl=none`, whether writes are paced to the baud rate.
    ///
    /// USB printers that show up as a serial port (CDC-ACM) ignore the baud rate and take
    /// bytes at USB speed, overflowing their few-KB buffer; pacing keeps them at the speed
    /// the printer was configured for. Ignored with RTS/CTS or XON/XOFF.
    public var pacesWrites: Bool

    /// Creates settings; 8N1 and paced writes unless told otherwise.
    public init(
        baudRate: BaudRate, flowControl: FlowControl, parity: Parity = .none, stopBits: StopBits = .one,
        pacesWrites: Bool = true
    ) {
        self.baudRate = baudRate
        self.flowControl = flowControl
        self.parity = parity
        self.stopBits = stopBits
        self.pacesWrites = pacesWrites
    }

    /// Whether `write` spaces its chunks to the wire speed.
    var pacing: Bool { pacesWrites && flowControl == .none }

    /// Fills `t` (already passed through `cfmakeraw`) with every flag the kiosk relies on.
    func apply(to t: inout termios) {
        // 8 data bits; receiver on; ignore modem control lines (no carrier on printers).
        t.c_cflag &= ~tcflag_t(CSIZE)
        t.c_cflag |= tcflag_t(CS8) | tcflag_t(CREAD) | tcflag_t(CLOCAL)
        switch parity {
        case .none:
            t.c_cflag &= ~(tcflag_t(PARENB) | tcflag_t(PARODD))
            t.c_iflag &= ~tcflag_t(INPCK)
        case .even:
            t.c_cflag |= tcflag_t(PARENB)
            t.c_cflag &= ~tcflag_t(PARODD)
            t.c_iflag |= tcflag_t(INPCK)
        case .odd:
            t.c_cflag |= tcflag_t(PARENB) | tcflag_t(PARODD)
            t.c_iflag |= tcflag_t(INPCK)
        }
        switch stopBits {
        case .one: t.c_cflag &= ~tcflag_t(CSTOPB)
        case .two: t.c_cflag |= tcflag_t(CSTOPB)
        }
        // CRTSCTS is 0x80000000: it does not fit Int32, so it comes through UInt32.
        let crtscts = tcflag_t(truncatingIfNeeded: UInt(CRTSCTS))
        switch flowControl {
        case .none:
            t.c_cflag &= ~crtscts
            t.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY))
        case .rtscts:
            t.c_cflag |= crtscts
            t.c_iflag &= ~(tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY))
        case .xonxoff:
            t.c_cflag &= ~crtscts
            t.c_iflag |= tcflag_t(IXON) | tcflag_t(IXOFF)
            t.c_iflag &= ~tcflag_t(IXANY)
        }
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VSTART)] = 0x11
            cc[Int(VSTOP)] = 0x13
            // VMIN=1, VTIME=0: with O_NONBLOCK an empty read is EAGAIN and only a hang-up
            // reads 0. (VMIN=0 would make an empty read return 0, indistinguishable from
            // a hang-up.)
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
    }
}
