import KioskSystem
import Testing

@testable import KioskDevices

#if canImport(Glibc)
    import Glibc
#endif

/// What a scanner that cannot be opened says to the technician.
@Suite struct DeviceNodeTests {
    @Test func aRefusedPermissionNamesTheGroupThatGivesIt() {
        let text = DeviceNode.whyNotOpened(SystemError(EACCES, call: "open(/dev/kiosk-scanner)"))
        #expect(text.hasPrefix("open(/dev/kiosk-scanner): "))
        #expect(text.contains("may not read it") && text.contains("group input") && text.contains("config check"))
    }

    @Test func aNodeOutsideTheServicesDeviceListNamesTheRestart() {
        let text = DeviceNode.whyNotOpened(SystemError(EPERM, call: "open(/dev/kiosk-scanner)"))
        #expect(text.contains("DeviceAllow=") && text.contains("systemctl restart kioskd"))
    }

    @Test func anAbsentNodeIsTheSystemsReasonAlone() {
        let error = SystemError(ENOENT, call: "open(/dev/kiosk-scanner)")
        #expect(DeviceNode.whyNotOpened(error) == error.description)
    }
}
