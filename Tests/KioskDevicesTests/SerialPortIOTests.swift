import ESCPOS
import Foundation
import KioskDevices
import KioskTestRigs
import Testing

@Suite("SerialPort I/O through a pseudo-terminal")
struct SerialPortIOTests {
    @Test("a write much larger than the pty buffer completes while the emulator drains it")
    func largeWrite() async throws {
        let rig = try PrinterRig.emulatorOnly()
        let port = try SerialPort(
            path: rig.emulator.devicePath, settings: SerialPortSettings(baudRate: .b230400, flowControl: .rtscts))
        let bytes = [UInt8](repeating: 0x41, count: 128 * 1024)
        try port.write(bytes, timeout: .seconds(20))
        try port.drain(timeout: .seconds(5))
        port.close()
        let deadline = ContinuousClock.now + .seconds(10)
        while rig.emulator.bytesReceived < bytes.count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(rig.emulator.bytesReceived == bytes.count)
        await rig.emulator.stop()
        try? FileManager.default.removeItem(atPath: rig.folder)
    }

    @Test("a write to a reader that stopped reading times out with the bytes written, no hang")
    func stalledReader() async throws {
        let rig = try PrinterRig.emulatorOnly()
        rig.emulator.update { $0.readsInput = false }
        let port = try SerialPort(
            path: rig.emulator.devicePath, settings: SerialPortSettings(baudRate: .b115200, flowControl: .rtscts))
        let bytes = [UInt8](repeating: 0x41, count: 1024 * 1024)
        do {
            try port.write(bytes, timeout: .milliseconds(300))
            Issue.record("a 1 MiB write to a stalled pty completed")
        } catch {
            #expect(error.isTimeout)
            #expect(!error.isDeviceGone)
            let written = try #require(error.bytesWritten)
            #expect(written > 0 && written < bytes.count)
            #expect(error.description.contains("timed out while writing 1048576 bytes"))
        }
        port.close()
        await rig.emulator.stop()
        try? FileManager.default.removeItem(atPath: rig.folder)
    }

    @Test("paced writes with FlowControl=none arrive whole")
    func pacedWrite() async throws {
        let rig = try PrinterRig.emulatorOnly()
        let port = try SerialPort(
            path: rig.emulator.devicePath, settings: SerialPortSettings(baudRate: .b230400, flowControl: .none))
        let bytes = (0..<4600).map { UInt8(truncatingIfNeeded: $0 % 26 + 0x41) }
        try port.write(bytes, timeout: .seconds(5))
        try port.drain(timeout: .seconds(1))
        let deadline = ContinuousClock.now + .seconds(5)
        while rig.emulator.bytesReceived < bytes.count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(rig.emulator.bytesReceived == bytes.count)
        port.close()
        await rig.emulator.stop()
        try? FileManager.default.removeItem(atPath: rig.folder)
    }

    @Test("a device that vanishes is reported gone on read and write, and missing on reopen")
    func vanish() async throws {
        let rig = try PrinterRig.emulatorOnly()
        let settings = SerialPortSettings(baudRate: .b115200, flowControl: .rtscts)
        let port = try SerialPort(path: rig.emulator.devicePath, settings: settings)
        await rig.emulator.vanish()
        do {
            _ = try port.read(upTo: 16, timeout: .seconds(2))
            Issue.record("read from a vanished device returned")
        } catch {
            #expect(error.isDeviceGone)
            #expect(error.needsReopen)
        }
        do {
            try port.write([1, 2, 3], timeout: .seconds(2))
            Issue.record("write to a vanished device succeeded")
        } catch {
            #expect(error.isDeviceGone)
        }
        port.close()
        do {
            _ = try SerialPort(path: rig.emulator.devicePath, settings: settings)
            Issue.record("reopened a vanished device")
        } catch {
            #expect(error.isDeviceMissing)
        }
        await rig.emulator.comeBack()
        let again = try SerialPort(path: rig.emulator.devicePath, settings: settings)
        again.close()
        await rig.emulator.stop()
        try? FileManager.default.removeItem(atPath: rig.folder)
    }
}
