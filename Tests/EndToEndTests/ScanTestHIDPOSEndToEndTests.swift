import Foundation
import KioskDevices
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
        let process = Process()
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
        // Lines until both scans are in (the first is the scanner's state), at most 60 s: a
        // reading that blocks past the deadline is ended by stopping kioskctl, which closes its
        // output (the read then ends), so a scan that never comes fails the test, never hangs it.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            if process.isRunning { process.terminate() }
        }
        defer { watchdog.cancel() }
        let reader = output.fileHandleForReading
        var lines: [[String: Any]] = []
        var pending = Data()
        let deadline = ContinuousClock.now + .seconds(60)
        while lines.filter({ $0["kind"] as? String != "state" }).count < 2, ContinuousClock.now < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            pending += chunk
            while let newline = pending.firstIndex(of: 10) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[(newline + 1)...])
                if let object = try JSONSerialization.jsonObject(with: line) as? [String: Any] { lines.append(object) }
            }
        }
        if process.isRunning { process.interrupt() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let card = lines.first { $0["kind"] as? String == "id-card" }
        #expect(card?["name"] as? String == HIDPOSEndToEndTests.name, "\(lines)")
        #expect(card?["symbology"] as? String == "]Q1")
        #expect(card?["idNumber"] as? String == "********2345")
        let code = lines.first { $0["kind"] as? String == "procedure-code" }
        #expect(code?["value"] as? String == "1.001234")
        #expect(code?["symbology"] as? String == "]C0")
    }
}
