import ESCPOS
import Foundation
import KioskSystem
import KioskTestRigs
import Testing

@testable import KioskDevices

/// USB printer-class (usblp) and network (TCP 9100) printers through the printer link's own
/// connection: status before and after a job, the job's outcome, reconnect with backoff.
@Suite struct PrinterTransportTests {
    static func configuration(_ device: String) -> PrinterLinkConfiguration {
        PrinterLinkConfiguration(
            devicePath: device, serial: SerialPortSettings(baudRate: .b115200, flowControl: .none),
            statusTimeout: .milliseconds(300), settleAfterJob: .milliseconds(20), minimumBackoff: .milliseconds(10),
            maximumBackoff: .milliseconds(50), idleCheckInterval: .seconds(30), writeMargin: .seconds(5))
    }

    /// Asks until the state is `wanted`, within a bound (reconnects wait out their backoff).
    static func waitFor(_ wanted: PrinterState, _ connection: PrinterConnection) -> PrinterState {
        var state = connection.check().state
        let deadline = ContinuousClock.now + .seconds(30)
        while state != wanted && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)  // the backoff's wait, not synchronisation
            state = connection.check().state
        }
        return state
    }

    @Test func deviceValuesChooseTheTransport() {
        #expect(PrinterTransportKind.of(device: "tcp://192.0.2.10:9100") == .network(host: "192.0.2.10", port: 9100))
        #expect(PrinterTransportKind.of(device: "tcp://printer.local") == .network(host: "printer.local", port: 9100))
        #expect(PrinterTransportKind.of(device: "tcp://[::1]:9101") == .network(host: "::1", port: 9101))
        #expect(PrinterTransportKind.of(device: "tcp://192.0.2.10:99999") == nil)
        #expect(PrinterTransportKind.of(device: "tcp://") == nil)
        #expect(PrinterTransportKind.of(device: "/dev/usb/lp0") == .usbLinePrinter(path: "/dev/usb/lp0"))
        #expect(PrinterTransportKind.of(device: "usblp:/tmp/x") == .usbLinePrinter(path: "/tmp/x"))
        #expect(PrinterTransportKind.of(device: "/dev/ttyUSB0") == .serial(path: "/dev/ttyUSB0"))
    }

    /// A pseudo-terminal stands in for /dev/usb/lp0: the job arrives whole, status is answered
    /// before and after, and an unplug and replug reconnect.
    @Test func usbLinePrinterThroughAStandIn() async throws {
        let (folder, emulator) = try PrinterRig.emulatorOnly()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let connection = PrinterConnection(configuration: Self.configuration("usblp:" + folder + "/printer"))
        #expect(connection.check().state == .ok)
        let job = ESCPOSEncoder.encode(PrinterRig.receipt(), profile: PrinterRig.epson)
        let outcome = connection.print(job)
        #expect((try? outcome.get())?.isPrinted == true, "\(outcome)")
        let receipts = await emulator.waitForReceipts(count: 1)
        #expect(receipts.first?.rendered.textLines.contains { $0.contains("Nguyễn Thị Ánh Tuyết") } == true)
        await emulator.vanish()
        #expect(Self.waitFor(.missing, connection) == .missing)
        await emulator.comeBack()
        #expect(Self.waitFor(.ok, connection) == .ok)
        connection.close()
        await emulator.stop()
    }

    /// A network printer on loopback: a job prints; a printer that resets the connection
    /// mid-job gives an incomplete outcome; the link reconnects and the next job prints whole.
    @Test func networkPrinterDroppingTheConnectionMidJob() async throws {
        let printer = try LoopbackNetworkPrinter()
        defer { printer.stop() }
        // The connection's calls block (each job waits for the printer's `GS r` answer): on a
        // thread of their own, not the concurrency pool that the other tests running in
        // parallel need (a held pool stalls their answers).
        let run = try await NamedThread.run("test-network") { () -> NetworkRun in
            let connection = PrinterConnection(configuration: Self.configuration(printer.address))
            defer { connection.close() }
            var run = NetworkRun()
            run.firstState = connection.check().state
            let job = ESCPOSEncoder.encode(PrinterRig.receipt(), profile: PrinterRig.epson)
            run.job = job
            run.firstPrinted = (try? connection.print(job).get())?.isPrinted == true
            run.firstReceived = printer.shared.withLock { $0.connections.last?.contains(subsequence: job) } == true
            // A long raster job; the printer resets after 2,000 bytes.
            var encoder = ESCPOSEncoder(profile: PrinterRig.epson)
            encoder.raster(
                MonochromeBitmap(width: 576, height: 20_000, packedRows: Array(repeating: 0x55, count: 72 * 20_000)))
            printer.shared.withLock { $0.dropAfterBytes = 2_000 }
            run.dropped = connection.print(encoder.bytes)
            run.droppedReceived = printer.shared.withLock { $0.connections.last?.count ?? 0 }
            guard case .success(.incomplete) = run.dropped else { return run }
            run.stateAfterDrop = Self.waitFor(.ok, connection)
            run.lastPrinted = (try? connection.print(job).get())?.isPrinted == true
            return run
        }
        #expect(run.firstState == .ok)
        #expect(run.firstPrinted)
        #expect(run.firstReceived)
        guard case .success(.incomplete(_, let total, _)) = run.dropped else {
            Issue.record("expected an incomplete job, got \(String(describing: run.dropped))")
            return
        }
        // Handed to TCP is not printed: the printer got only part of it, and the link says so.
        #expect(run.droppedReceived < total)
        #expect(run.stateAfterDrop == .ok)
        #expect(run.lastPrinted)
        #expect(printer.shared.withLock { $0.connections.count } >= 2)
        #expect(printer.shared.withLock { $0.connections.last?.contains(subsequence: run.job) } == true)
    }
}

/// What the network printer test saw on its thread, checked on the test's task.
private struct NetworkRun: Sendable {
    var firstState: PrinterState?
    var job: [UInt8] = []
    var firstPrinted = false
    var firstReceived = false
    var dropped: Result<PrintOutcome, PrintRefusal>?
    var droppedReceived = 0
    var stateAfterDrop: PrinterState?
    var lastPrinted = false
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}

extension PrinterConnection {
    /// A whole job as `PrinterLink.print` runs it: `send`, then `confirm` when every byte went out.
    func print(_ bytes: [UInt8]) -> Result<PrintOutcome, PrintRefusal> {
        send(bytes).map { transfer in
            switch transfer {
            case .incomplete(let written, let total, let detail):
                .incomplete(bytesWritten: written, of: total, detail: detail)
            case .written: awaitChecks().first ?? .unconfirmed(stateAfter: .offline, detail: "no check")
            }
        }
    }
}
