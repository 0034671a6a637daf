import ESCPOS
import Foundation
import KioskStore
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
        let deadline = ContinuousClock.now + .seconds(10)
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
    @Test func networkPrinterDroppingTheConnectionMidJob() throws {
        let printer = try LoopbackNetworkPrinter()
        defer { printer.stop() }
        let connection = PrinterConnection(configuration: Self.configuration(printer.address))
        #expect(connection.check().state == .ok)
        let job = ESCPOSEncoder.encode(PrinterRig.receipt(), profile: PrinterRig.epson)
        #expect((try? connection.print(job).get())?.isPrinted == true)
        #expect(printer.shared.withLock { $0.connections.last?.contains(subsequence: job) } == true)

        // A long raster job; the printer resets after 2,000 bytes.
        var encoder = ESCPOSEncoder(profile: PrinterRig.epson)
        encoder.raster(
            MonochromeBitmap(width: 576, height: 20_000, packedRows: Array(repeating: 0x55, count: 72 * 20_000)))
        printer.shared.withLock { $0.dropAfterBytes = 2_000 }
        let dropped = connection.print(encoder.bytes)
        guard case .success(.incomplete(_, let total, _)) = dropped else {
            Issue.record("expected an incomplete job, got \(dropped)")
            return
        }
        // Handed to TCP is not printed: the printer got only part of it, and the link says so.
        #expect(printer.shared.withLock { $0.connections.last?.count ?? 0 } < total)
        #expect(Self.waitFor(.ok, connection) == .ok)
        #expect((try? connection.print(job).get())?.isPrinted == true)
        #expect(printer.shared.withLock { $0.connections.count } >= 2)
        #expect(printer.shared.withLock { $0.connections.last?.contains(subsequence: job) } == true)
        connection.close()
    }
}

/// The job's life in the database when a network printer drops the connection mid-job: the
/// print queue over a real store and the loopback TCP 9100 printer.
@Suite struct NetworkPrinterJobLifeTests {
    @Test func aConnectionDroppedMidJobLeavesTheJobQueuedForOneMarkedCopyAfterReconnect() async throws {
        let printer = try LoopbackNetworkPrinter()
        defer { printer.stop() }
        let folder = NSTemporaryDirectory() + "tcp-job-life-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = try KioskStore(path: folder + "/kiosk.sqlite")
        let link = PrinterLink(configuration: PrinterTransportTests.configuration(printer.address))
        let queue = PrintQueue(store: store, link: link, profile: PrinterRig.epson)
        // All-raster text: a job of tens of KB, so the reset lands mid-job.
        let payload = ESCPOSEncoder.encode(PrinterRig.receipt(), profile: PrinterRig.epson, textRendering: .rasterOnly)
        let job = try await store.enqueuePrintJob(
            PrintJobDraft(kind: "intake-receipt", payload: payload), dossierCode: nil)
        printer.shared.withLock { $0.dropAfterBytes = payload.count / 3 }

        let dropped = await queue.printPending()
        #expect(dropped.printed.isEmpty, "\(dropped)")
        #expect(dropped.held.isEmpty)
        // In the database: back to queued, one copy tried, the next one marked as a reprint.
        let row = try #require(try await store.pendingPrintJobs().first)
        #expect(row.id == job.id)
        #expect(row.stage == .queued)
        #expect(row.attempts == 1)
        #expect(row.reprint)
        #expect(printer.shared.withLock { $0.connections.first?.count ?? 0 } < payload.count)

        // The link reconnects (backoff) and the next pass prints the job once, with its banner.
        var again = PrintQueue.Pass()
        for _ in 0..<100 where again.printed.isEmpty {
            again = await queue.printPending()
            if again.printed.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(again.printed == [job.id], "\(again)")
        #expect(again.reprinted == [job.id])
        #expect(try await store.allPrintJobs().isEmpty, "a printed job leaves the store")
        let last = printer.shared.withLock { $0.connections.last ?? [] }
        #expect(printer.shared.withLock { $0.connections.count } >= 2, "a new connection after the reset")
        #expect(last.contains(subsequence: ReprintBanner.bytes(for: PrinterRig.epson) + payload))
        #expect(await queue.printPending() == PrintQueue.Pass(), "never printed again")
        await link.stop()
        await store.close()
    }
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
            case .written: confirm()
            }
        }
    }
}
