import CKioskShim
import Glibc
import KioskEmulators
import Testing

@testable import KioskDevices

@Suite("SerialPort termios")
struct SerialPortTermiosTests {
    @Test("ioctl numbers are the x86-64 Linux ones")
    func ioctlNumbers() {
        #if arch(x86_64)
            #expect(kiosk_TIOCEXCL() == 0x540C)
            #expect(kiosk_TIOCNXCL() == 0x540D)
            #expect(kiosk_TIOCOUTQ() == 0x5411)
            #expect(UInt32(truncatingIfNeeded: CRTSCTS) == 0x8000_0000)
        #endif
    }

    @Test(
        "flags read back from the slave after configure",
        arguments: SerialPortSettings.FlowControl.allCases, SerialPortSettings.BaudRate.allCases)
    func flagsReadBack(flow: SerialPortSettings.FlowControl, baud: SerialPortSettings.BaudRate) throws {
        let pty = try PseudoTerminal()
        // Dirty the line first so every flag must be set or cleared by the port, not inherited.
        var dirty = try pty.slaveAttributes()
        dirty.c_cflag |= tcflag_t(PARENB) | tcflag_t(PARODD) | tcflag_t(CSTOPB)
        dirty.c_cflag = (dirty.c_cflag & ~tcflag_t(CSIZE)) | tcflag_t(CS7)
        dirty.c_cflag |= tcflag_t(truncatingIfNeeded: UInt(CRTSCTS))
        dirty.c_iflag |= tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY) | tcflag_t(ICRNL)
        dirty.c_lflag |= tcflag_t(ICANON) | tcflag_t(ECHO)
        let fd = open(pty.slavePath, O_RDWR | O_NOCTTY)
        #expect(fd >= 0)
        #expect(tcsetattr(fd, TCSANOW, &dirty) == 0)
        close(fd)

        let port = try SerialPort(path: pty.slavePath, settings: SerialPortSettings(baudRate: baud, flowControl: flow))
        defer { port.close() }
        var t = try pty.slaveAttributes()
        let crtscts = tcflag_t(truncatingIfNeeded: UInt(CRTSCTS))
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(t.c_cflag & tcflag_t(PARENB) == 0)
        #expect(t.c_cflag & tcflag_t(CSTOPB) == 0)
        #expect(t.c_cflag & tcflag_t(CLOCAL) != 0)
        #expect(t.c_cflag & tcflag_t(CREAD) != 0)
        #expect(t.c_lflag & (tcflag_t(ICANON) | tcflag_t(ECHO) | tcflag_t(ISIG)) == 0)
        #expect(t.c_iflag & (tcflag_t(ICRNL) | tcflag_t(IXANY)) == 0)
        #expect(t.c_oflag & tcflag_t(OPOST) == 0)
        #expect((t.c_cflag & crtscts != 0) == (flow == .rtscts))
        #expect((t.c_iflag & tcflag_t(IXON) != 0) == (flow == .xonxoff))
        #expect((t.c_iflag & tcflag_t(IXOFF) != 0) == (flow == .xonxoff))
        #expect(cfgetospeed(&t) == speed(baud))
        #expect(cfgetispeed(&t) == speed(baud))
        let cc = withUnsafeBytes(of: t.c_cc) { Array($0) }
        #expect(cc[Int(VMIN)] == 1)
        #expect(cc[Int(VTIME)] == 0)
    }

    @Test("parity and stop bits are settable")
    func parityAndStopBits() throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort(
            path: pty.slavePath,
            settings: SerialPortSettings(baudRate: .b9600, flowControl: .none, parity: .odd, stopBits: .two))
        defer { port.close() }
        let t = try pty.slaveAttributes()
        // A pty forces CS8 and clears PARENB itself (pty_set_termios); PARODD, CSTOPB and
        // INPCK show what the port asked for.
        #expect(t.c_cflag & tcflag_t(PARODD) != 0)
        #expect(t.c_cflag & tcflag_t(CSTOPB) != 0)
        #expect(t.c_iflag & tcflag_t(INPCK) != 0)
    }

    @Test("a missing path is reported as missing, a file as not a serial port")
    func openErrors() throws {
        let settings = SerialPortSettings(baudRate: .b115200, flowControl: .rtscts)
        do {
            _ = try SerialPort(path: "/nonexistent/kiosk-printer", settings: settings)
            Issue.record("opened a missing path")
        } catch {
            #expect(error.isDeviceMissing)
            #expect(error.needsReopen)
            #expect(error.description.contains("/nonexistent/kiosk-printer"))
        }
        do {
            _ = try SerialPort(path: "/dev/null", settings: settings)
            Issue.record("configured /dev/null as a serial port")
        } catch {
            #expect(!error.isDeviceMissing)
            #expect(error.description.contains("not a serial port"))
        }
    }

    @Test("a speed the UART cannot do is a settings problem with the fix, not a missing device")
    func unsupportedBaud() {
        let error = SerialPortError.unsupportedBaud(path: "/dev/ttyS1", requested: .b230400, highest: .b115200)
        #expect(error.description == "cannot do 230400 baud on /dev/ttyS1; set Baud= to 115200 or lower")
        #expect(error.isUnsupportedBaud)
        #expect(!error.isDeviceMissing && !error.needsReopen && !error.isDeviceGone)
        let none = SerialPortError.unsupportedBaud(path: "/dev/ttyS1", requested: .b9600, highest: nil)
        #expect(none.description.hasPrefix("cannot do 9600 baud on /dev/ttyS1;"))
        // A pseudo-terminal takes any speed: the check on a real 16550A is in .ci/realkernel.
    }

    @Test("a second open of an exclusive port is refused (not as root)")
    func exclusive() throws {
        let pty = try PseudoTerminal()
        let port = try SerialPort(
            path: pty.slavePath, settings: SerialPortSettings(baudRate: .b115200, flowControl: .none))
        defer { port.close() }
        let fd = open(pty.slavePath, O_RDWR | O_NOCTTY | O_NONBLOCK)
        if geteuid() == 0 {
            // CAP_SYS_ADMIN bypasses TIOCEXCL.
            if fd >= 0 { close(fd) }
        } else {
            #expect(fd == -1)
            #expect(errno == EBUSY)
        }
    }

    @Test("apply(to:) sets CS8 and clears parity even on a dirty termios (a pty hides these two)")
    func applyOnDirtyTermios() {
        var t = termios()
        t.c_cflag = tcflag_t(CS7) | tcflag_t(PARENB) | tcflag_t(PARODD) | tcflag_t(CSTOPB)
        t.c_iflag = tcflag_t(INPCK) | tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY)
        SerialPortSettings(baudRate: .b9600, flowControl: .rtscts).apply(to: &t)
        #expect(t.c_cflag & tcflag_t(CSIZE) == tcflag_t(CS8))
        #expect(t.c_cflag & (tcflag_t(PARENB) | tcflag_t(PARODD) | tcflag_t(CSTOPB)) == 0)
        #expect(t.c_iflag & (tcflag_t(INPCK) | tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY)) == 0)
        #expect(t.c_cflag & tcflag_t(truncatingIfNeeded: UInt(CRTSCTS)) != 0)
        var even = termios()
        SerialPortSettings(baudRate: .b9600, flowControl: .none, parity: .even).apply(to: &even)
        #expect(even.c_cflag & tcflag_t(PARENB) != 0)
        #expect(even.c_cflag & tcflag_t(PARODD) == 0)
    }

    private func speed(_ baud: SerialPortSettings.BaudRate) -> speed_t {
        switch baud {
        case .b9600: speed_t(B9600)
        case .b19200: speed_t(B19200)
        case .b38400: speed_t(B38400)
        case .b57600: speed_t(B57600)
        case .b115200: speed_t(B115200)
        case .b230400: speed_t(B230400)
        }
    }
}
