import Foundation
import KioskDevices
import KioskSystem
import KioskTestRigs
import Testing

/// The device threads carry their names in `ps -L` and `/proc/PID/task/*/comm`: started from
/// async code, each used to keep its creator's (a Dispatch worker's `oot.default-qos`).
@Suite struct DeviceThreadNameTests {
    @Test func thePrinterLinkAndTheEmulatedPrinterRunOnNamedThreads() async throws {
        let rig = try PrinterRig()
        // Answered on the link's thread: it has started (and named itself first).
        _ = await rig.link.status()
        let names = NamedThread.namesInProcess
        #expect(names.contains("printer-link"), "\(names)")
        #expect(names.contains("emu-printer"), "\(names)")
        await rig.shutDown()
    }

    @Test func theScannerIsReadOnANamedThread() async throws {
        let rig = try ScannerRig()
        // The reader's first state change comes from its thread, which named itself first.
        #expect(await rig.waitFor { !$0.isEmpty })
        let names = NamedThread.namesInProcess
        #expect(names.contains("kiosk-scanner"), "\(names)")
        await rig.shutDown()
    }
}
