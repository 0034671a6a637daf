import ESCPOS
import Foundation
import KioskDevices
import KioskTestRigs
import Synchronization
import Testing

@Suite("Printer link: checks off the next scan's path, hot-plug, open failures")
struct PrinterLinkTimingTests {
    @Test("while a job's check waits for the printer, a status request is answered at once")
    func statusDuringTheCheckAfterAJob() async throws {
        // The printer does not answer the buffered request: the check after the job waits.
        let rig = try PrinterRig(printAllowance: .seconds(600))
        rig.emulator.update { $0.answersBufferedStatus = false }
        let bytes = ESCPOSEncoder.encode(PrinterRig.receipt(), profile: rig.profile)
        let finished = Flag()
        let job = Task {
            let outcome = try await rig.link.print(bytes)
            finished.set()
            return outcome
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while rig.emulator.cutsReceived == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(await rig.link.status() == .ok)
        #expect(!finished.isSet, "the status request waited for the job's check")
        // Paper out ends the check (a printer that stopped does not process its buffer).
        rig.emulator.update { $0.paperOut = true }
        let outcome = try await job.value
        #expect(outcome == .faultAfter(stateAfter: .paperOut, detail: outcome.detailForTests))
        await rig.shutDown()
    }

    @Test("a printer that never answers GS r: each job counts as printed once its allowance is over")
    func printerThatNeverAnswersTheJobsStatusRequest() async throws {
        let rig = try PrinterRig(printAllowance: .milliseconds(300))
        rig.emulator.update { $0.answersBufferedStatus = false }
        let bytes = ESCPOSEncoder.encode(PrinterRig.receipt(), profile: rig.profile)
        for copy in 1...2 {
            let outcome = try await rig.link.print(bytes)
            #expect(outcome.isPrinted, "copy \(copy): \(outcome)")
        }
        #expect(rig.emulator.cutsReceived == 2)
        await rig.shutDown()
    }

    @Test("a printer plugged back in is taken back at once, not at the next backoff step")
    func hotPlug() async throws {
        // A backoff far longer than the test: only the device folder's change can bring it back.
        let rig = try PrinterRig(minimumBackoff: .seconds(600), maximumBackoff: .seconds(600))
        #expect(await rig.link.status() == .ok)
        await rig.emulator.vanish()
        #expect(await rig.link.status() == .missing)
        // A new listener hears the state so far (missing) first, then the change.
        let states = rig.link.stateChanges()
        let replugged = ContinuousClock.now
        await rig.emulator.comeBack()
        let back = Task {
            for await state in states where state == .ok { return true }
            return false
        }
        let timeout = Task {
            try? await Task.sleep(for: .seconds(60))
            back.cancel()
        }
        #expect(await back.value)
        Swift.print("printer hot-plug: ready \(ContinuousClock.now - replugged) after the device reappeared")
        timeout.cancel()
        #expect(rig.link.lastKnownState == .ok)
        await rig.shutDown()
    }

    @Test("a printer that answers only a moment after it is plugged back in is taken back as soon as it answers")
    func hotPlugWakingPrinter() async throws {
        // Backoff and idle checks far longer than the test: only a re-check of a port opened
        // moments ago can bring it back.
        let rig = try PrinterRig(minimumBackoff: .seconds(600), maximumBackoff: .seconds(600))
        #expect(await rig.link.status() == .ok)
        await rig.emulator.vanish()
        #expect(await rig.link.status() == .missing)
        // Still starting up when its device appears: it does not answer `DLE EOT` yet.
        rig.emulator.update { $0.answersStatus = false }
        let askedBefore = rig.emulator.realtimeRequestsReceived
        await rig.emulator.comeBack()
        // The link opened it and asked in vain: offline.
        #expect(
            await waitUntil(.seconds(20)) {
                rig.emulator.realtimeRequestsReceived > askedBefore && rig.link.lastKnownState == .offline
            })
        // Now it has started and answers: taken back without anyone asking for a status.
        rig.emulator.update { $0.answersStatus = true }
        #expect(await waitUntil(.seconds(20)) { rig.link.lastKnownState == .ok }, "state: \(rig.link.lastKnownState)")
        await rig.shutDown()
    }
}

extension PrinterLinkTimingTests {
    @Test("a device that is there but cannot be used is offline with the reason, not missing")
    func unusableDeviceIsOffline() async throws {
        let folder = NSTemporaryDirectory() + "printer-file-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A regular file where the printer should be: present, but no serial port.
        _ = FileManager.default.createFile(atPath: folder + "/printer", contents: Data())
        let link = PrinterLink(
            configuration: PrinterLinkConfiguration(
                devicePath: folder + "/printer", serial: SerialPortSettings(baudRate: .b115200, flowControl: .none)))
        #expect(await link.status() == .offline)
        #expect(link.lastKnownDetail?.contains("not a serial port") == true)
        await link.stop()
    }
}

/// A flag set once, read from another task.
final class Flag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

extension PrintOutcome {
    var detailForTests: String {
        if case .faultAfter(_, let detail) = self { return detail }
        return ""
    }
}
