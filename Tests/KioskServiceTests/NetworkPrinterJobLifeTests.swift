import ESCPOS
import Foundation
import KioskDevices
import KioskReceipts
import KioskStore
import KioskTestRigs
import Testing

@testable import KioskService

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
        let link = PrinterLink(
            configuration: PrinterLinkConfiguration(
                devicePath: printer.address, serial: SerialPortSettings(baudRate: .b115200, flowControl: .none),
                statusTimeout: .milliseconds(300), settleAfterJob: .milliseconds(20),
                minimumBackoff: .milliseconds(10), maximumBackoff: .milliseconds(50), idleCheckInterval: .seconds(30),
                writeMargin: .seconds(5)))
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
