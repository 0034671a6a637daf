import KioskSystem
import Testing

@testable import KioskDevices

#if canImport(Glibc)
    import Glibc
#endif

/// What a printer port that failed says to the technician: the kind of port, what happened,
/// and for a refused permission or sandbox what lets the service in.
@Suite struct SerialPortErrorTests {
    @Test func aUSBPrinterTheServiceMayNotOpenNamesTheGroupLP() {
        let error = SerialPortError.from(
            SystemError(EACCES, call: "open"), port: .usbPrinter, path: "/dev/usb/lp0", operation: "opening")
        #expect(error.description.hasPrefix("USB printer /dev/usb/lp0: no permission while opening (open: "))
        #expect(error.description.contains("may not open it read-write"))
        #expect(error.description.contains("USB printers (/dev/usb/lp*) to lp"))
        #expect(!error.needsReopen && !error.isDeviceMissing)
    }

    @Test func aNodeOutsideTheDeviceListNamesTheRestart() {
        let error = SerialPortError.from(SystemError(EPERM, call: "open"), path: "/dev/ttyUSB1", operation: "opening")
        #expect(error.description.hasPrefix("serial port /dev/ttyUSB1: refused by the service's sandbox"))
        #expect(error.description.contains("DeviceAllow=") && error.description.contains("systemctl restart kioskd"))
    }

    @Test func aNetworkPrinterOutsideTheIPFilterNamesIPAddressAllow() {
        let error = SerialPortError.from(
            SystemError(EPERM, call: "connect"), port: .network, path: "tcp://192.0.2.10:9100", operation: "connecting")
        #expect(error.description.hasPrefix("network printer tcp://192.0.2.10:9100: refused by the service's sandbox"))
        #expect(error.description.contains("IPAddressAllow="))
    }

    @Test func aNetworkPrinterThatCannotBeResolvedIsNotAMissingDevice() {
        let error = SerialPortError.from(
            SystemError(ENOENT, call: "getaddrinfo"), port: .network, path: "tcp://printer.invalid:9100",
            operation: "resolving printer.invalid")
        #expect(error.description.hasPrefix("network printer tcp://printer.invalid:9100: not found while resolving"))
        #expect(!error.description.contains("udev"))
    }

    @Test func aSerialPortNotPluggedInReadsAsBefore() {
        let error = SerialPortError.from(SystemError(ENOENT, call: "open"), path: "/dev/ttyUSB0", operation: "opening")
        #expect(
            error.description
                == "serial port /dev/ttyUSB0: no such device (not plugged in, or the udev link is missing) while "
                + "opening (open: No such file or directory (errno 2))")
        #expect(error.isDeviceMissing)
    }
}
