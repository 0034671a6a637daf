import Foundation
import KioskDevices
import KioskSystem
import KioskTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kioskctl scan-test --mode hidpos` decodes a HID-POS scanner's reports (a FIFO stand-in
/// with its descriptor beside it): the ID card's name exactly, the symbology, then Ctrl+C.
@Suite struct ScanTestHIDPOSEndToEndTests {
    @Test func scanTestDecodesHIDPOSReports() async throws {
        let directory = try TemporaryDirectory()
        let scanner = try HIDPOSScannerFIFO(path: directory.path + "/scanner")
        let path = scanner.path
        let process = TestProcess()
        process.executableURL = URL(fileURLWithPath: BuiltProducts.path("kioskctl"))
        process.arguments = [
            "scan-test", "--mode", "hidpos", "--device", path, "--json",
        ]
        process.currentDirectoryURL = URL(fileURLWithPath: KioskdProcess.repository)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        for (text, symbology) in [(HIDPOSEndToEndTests.card, "]Q1"), ("1.001234", "]C0")] {
            #expect(scanner.scan(text, symbology: symbology))
        }
        // Lines until both scans are in (the first is the scanner's state), at most 60 s. Read
        // on a thread of its own, each wait bounded by `poll`: a blocking read on the test's
        // task would hold a thread of the concurrency pool (two on a 2-core machine) for as
        // long as kioskctl stays silent, and a scan that never came hung the suite.
        let descriptor = output.fileHandleForReading.fileDescriptor
        let received = try await NamedThread.run("test-scan-test") { () -> [UInt8] in
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            let deadline = ContinuousClock.now + .seconds(60)
            while Self.lines(bytes).filter({ $0["kind"] as? String != "state" }).count < 2 {
                let left = deadline - ContinuousClock.now
                guard left > .zero else { break }
                var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&entry, 1, Int32(left / .milliseconds(1)) + 1) > 0 else { continue }
                let n = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                bytes += chunk[0..<n]
            }
            return bytes
        }
        let lines = Self.lines(received)
        if process.isRunning { process.interrupt() }
        // Ctrl+C ends it; should it not, it is stopped after 30 s (and fails the status check)
        // rather than waited for forever; the wait is on a thread, not the pool.
        let stopper = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: stopper)
        try await NamedThread.run("test-scan-test") { process.waitUntilExit() }
        stopper.cancel()
        #expect(process.terminationStatus == 0)
        let card = lines.first { $0["kind"] as? String == "id-card" }
        #expect(card?["name"] as? String == HIDPOSEndToEndTests.name, "\(lines)")
        #expect(card?["symbology"] as? String == "]Q1")
        #expect(card?["idNumber"] as? String == "********2345")
        let code = lines.first { $0["kind"] as? String == "procedure-code" }
        #expect(code?["value"] as? String == "1.001234")
        #expect(code?["symbology"] as? String == "]C0")
    }

    /// The complete JSON lines in `bytes` (a partial last line is left out).
    static func lines(_ bytes: [UInt8]) -> [[String: Any]] {
        guard let end = bytes.lastIndex(of: 10) else { return [] }
        return bytes[..<end].split(separator: 10).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
        }
    }
}
