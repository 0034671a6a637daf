import Foundation
import KioskDevices
import KioskEmulators
import KioskSystem
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("scanner hot-plug")
struct ScannerHotPlugTests {
    func isMissing(_ event: ScannerEvent) -> Bool { if case .state(.missing) = event { true } else { false } }

    @Test("the device goes away and comes back: missing, no CPU while waiting, then scans again")
    func unplugAndBack() async throws {
        // Recheck fallback far away: the return must be seen through inotify.
        let rig = try ScannerRig(recheck: .seconds(60))
        let us = try ScannerRig.keymap("us")
        var writer = try rig.openWriter()
        ScannerRig.write(writer, try keystrokes("1.001234", keymap: us))
        #expect(await rig.waitForScans(1) == ["1.001234"])

        // Unplug: the node disappears, then the reader sees the end of its stream.
        unlink(rig.path)
        close(writer)
        #expect(await rig.waitFor { $0.contains(where: isMissing) })
        guard case .state(.missing(let reason))? = rig.events.last(where: isMissing) else { return }
        #expect(reason.contains("No such file"))
        #expect(rig.lines.contains { $0.hasPrefix("<4>scanner missing") })

        // While missing, the reader thread blocks: a spinning loop would use ~1 s of CPU here.
        let before = try #require(rig.scanner.readerCPUTime)
        try await Task.sleep(for: .seconds(1))
        let after = try #require(rig.scanner.readerCPUTime)
        #expect(after - before < .milliseconds(50), "reader used \(after - before) of CPU in 1 s while missing")

        // Plugged back: scans arrive again.
        try ScannerRig.makeFIFO(rig.path)
        writer = try rig.openWriter()
        defer { close(writer) }
        #expect(await rig.waitFor { $0.last == .state(.ok(nil)) })
        ScannerRig.write(writer, try keystrokes("1.000999", keymap: us))
        #expect(await rig.waitForScans(2) == ["1.001234", "1.000999"])
        await rig.shutDown()
    }

    @Test("a hung-up device (poll HUP, as an unplugged evdev node reports) is closed at once: no spinning")
    func readErrorClosesAtOnce() async throws {
        let pty = try PseudoTerminal()
        let rig = try ScannerRig(device: pty.slavePath, recheck: .seconds(60))
        #expect(await rig.waitFor { $0.first == .state(.ok(nil)) })
        _ = pty.writeMaster(try keystrokes("1.001234", keymap: try ScannerRig.keymap("us")))
        #expect(await rig.waitForScans(1) == ["1.001234"])
        pty.close()
        #expect(await rig.waitFor { $0.contains(where: isMissing) })
        guard case .state(.missing(let reason))? = rig.events.last(where: isMissing) else { return }
        #expect(reason.contains("read(") || reason.contains("open("), "\(reason)")
        // A hung-up descriptor left in the poll set would make poll return at once, forever.
        let before = try #require(rig.scanner.readerCPUTime)
        try await Task.sleep(for: .milliseconds(500))
        let after = try #require(rig.scanner.readerCPUTime)
        #expect(after - before < .milliseconds(50), "reader used \(after - before) of CPU in 0.5 s while missing")
        await rig.shutDown()
    }

    @Test("a device path in a folder that does not exist yet: missing, then found when the folder and node appear")
    func folderAppears() async throws {
        let folder = NSTemporaryDirectory() + "scanner-later-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rig = try ScannerRig(device: folder + "/by-id/usb-scanner", recheck: .seconds(60))
        #expect(await rig.waitFor { $0.contains(where: isMissing) })
        try FileManager.default.createDirectory(atPath: folder + "/by-id", withIntermediateDirectories: true)
        try ScannerRig.makeFIFO(rig.path)
        let writer = try rig.openWriter()
        defer { close(writer) }
        ScannerRig.write(writer, try keystrokes("KIOSK:CANCEL", keymap: try ScannerRig.keymap("us")))
        #expect(await rig.waitForScans(1) == ["KIOSK:CANCEL"])
        await rig.shutDown()
    }

    @Test("a writer that closes and reopens (FIFO end of file) is not reported missing")
    func endOfFileReopens() async throws {
        let rig = try ScannerRig()
        let us = try ScannerRig.keymap("us")
        for text in ["1.000001", "1.000002", "1.000003"] {
            let writer = try rig.openWriter()
            ScannerRig.write(writer, try keystrokes(text, keymap: us))
            close(writer)
            await rig.waitFor { events in
                events.contains { if case .scan(let s) = $0 { s.text == text } else { false } }
            }
        }
        #expect(rig.scans == ["1.000001", "1.000002", "1.000003"])
        #expect(!rig.events.contains(where: isMissing))
        await rig.shutDown()
    }

    @Test("a FIFO replaced after its writer closed is reopened; removed, it is missing (not ok)")
    func replacedFIFO() async throws {
        let rig = try ScannerRig(recheck: .seconds(60))
        let us = try ScannerRig.keymap("us")
        var writer = try rig.openWriter()
        ScannerRig.write(writer, try keystrokes("1.000001", keymap: us))
        #expect(await rig.waitForScans(1) == ["1.000001"])
        close(writer)
        // The reader has the old FIFO open again (end of file reopens at once).
        #expect(await rig.waitForLine { $0.contains("scanner reopened") })

        // Replaced: a new FIFO at the path. The writer can only open it once the reader has.
        unlink(rig.path)
        try ScannerRig.makeFIFO(rig.path)
        writer = try rig.openWriter()
        ScannerRig.write(writer, try keystrokes("1.000002", keymap: us))
        #expect(await rig.waitForScans(2) == ["1.000001", "1.000002"])
        close(writer)
        #expect(await rig.waitForLine(count: 2) { $0.contains("scanner reopened") })

        // Removed and not replaced: missing, not ok.
        unlink(rig.path)
        #expect(await rig.waitFor { $0.contains(where: isMissing) })
        try ScannerRig.makeFIFO(rig.path)
        writer = try rig.openWriter()
        defer { close(writer) }
        ScannerRig.write(writer, try keystrokes("1.000003", keymap: us))
        #expect(await rig.waitForScans(3) == ["1.000001", "1.000002", "1.000003"])
        #expect(rig.events.last { if case .state = $0 { true } else { false } } == .state(.ok(nil)))
        await rig.shutDown()
    }

    @Test("stop ends the stream and the thread")
    func stop() async throws {
        let rig = try ScannerRig(device: "/nonexistent/scanner")
        #expect(await rig.waitFor { $0.contains(where: isMissing) })
        await rig.shutDown()
        #expect(rig.scanner.readerCPUTime == nil)
    }
}
