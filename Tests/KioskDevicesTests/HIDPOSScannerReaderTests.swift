import Foundation
import KioskSystem
import Testing

@testable import KioskDevices

#if canImport(Glibc)
    import Glibc
#endif

/// `BarcodeScanner` in `Mode=hidpos` reading a FIFO of 64-byte HID-POS reports, with the
/// report descriptor in `scanner.rdesc` beside it (a FIFO answers no hidraw ioctl).
@Suite("HID-POS scanner reader")
struct HIDPOSScannerReaderTests {
    static func device(descriptor: [UInt8]) throws -> (folder: String, path: String) {
        let folder = NSTemporaryDirectory() + "hidpos-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/scanner"
        try Data(descriptor).write(to: URL(fileURLWithPath: path + ".rdesc"))
        try ScannerRig.makeFIFO(path)
        return (folder, path)
    }

    func isMissing(_ event: ScannerEvent) -> Bool { if case .state(.missing) = event { true } else { false } }

    @Test("reports in, whole scans out: Vietnamese exact, symbology kept, reports split across writes")
    func scansThroughTheReader() async throws {
        let (folder, path) = try Self.device(descriptor: HIDPOSFixtures.scanner)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let layout = try HIDPOSDescriptor(parsing: HIDPOSFixtures.scanner)
        let rig = try ScannerRig(mode: .hidpos, device: path)
        let writer = try rig.openWriter()
        defer { close(writer) }
        #expect(await rig.waitFor { $0.first == .state(.ok(nil)) })
        let card = layout.reports(for: Array(HIDPOSFixtures.idCard.utf8), symbology: "]Q1").flatMap { $0 }
        // Written in pieces that cut reports in the middle: the reader frames by report length.
        ScannerRig.write(writer, Array(card[0..<30]))
        ScannerRig.write(writer, Array(card[30..<100]))
        ScannerRig.write(writer, Array(card[100...]) + layout.reports(for: Array("1.001234".utf8), symbology: "]C0")[0])
        #expect(await rig.waitForScans(2) == [HIDPOSFixtures.idCard, "1.001234"])
        let symbologies = rig.events.compactMap { if case .scan(let s) = $0 { s.symbology } else { nil } }
        #expect(symbologies == ["]Q1", "]C0"])
        #expect(rig.lines.contains { $0.contains("scanner ok") && $0.contains("mode=hidpos") })
        // Personal data never in a log line.
        #expect(!rig.lines.contains { $0.contains("Nguyễn") || $0.contains("001094012345") })
        await rig.shutDown()
    }

    @Test("a keyboard's descriptor: the scanner is reported missing with what to do")
    func keyboardIsRefused() async throws {
        let (folder, path) = try Self.device(descriptor: HIDPOSFixtures.keyboard)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rig = try ScannerRig(mode: .hidpos, device: path, recheck: .seconds(60))
        #expect(await rig.waitFor { $0.contains(where: isMissing) })
        guard case .state(.missing(let reason))? = rig.events.first(where: isMissing) else { return }
        #expect(reason.contains("not a HID-POS scanner"))
        #expect(reason.contains("Generic Desktop Keyboard"))
        await rig.shutDown()
    }

    @Test("unplugged and back: missing, then scans again (inotify, no polling)")
    func hotPlug() async throws {
        let (folder, path) = try Self.device(descriptor: HIDPOSFixtures.scanner)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let layout = try HIDPOSDescriptor(parsing: HIDPOSFixtures.scanner)
        let rig = try ScannerRig(mode: .hidpos, device: path, recheck: .seconds(60))
        var writer = try rig.openWriter()
        ScannerRig.write(writer, layout.reports(for: Array("1.001234".utf8), symbology: "]C0").flatMap { $0 })
        #expect(await rig.waitForScans(1) == ["1.001234"])
        // Unplugged mid-scan: the first report of a long scan, then the node goes away.
        ScannerRig.write(writer, layout.reports(for: Array(HIDPOSFixtures.idCard.utf8), symbology: "]Q1")[0])
        unlink(path)
        close(writer)
        #expect(await rig.waitFor { $0.contains(where: isMissing) })
        #expect(rig.events.contains(.dropped(.deviceGone)))
        try ScannerRig.makeFIFO(path)
        writer = try rig.openWriter()
        defer { close(writer) }
        #expect(await rig.waitFor { $0.last == .state(.ok(nil)) })
        ScannerRig.write(writer, layout.reports(for: Array("Đ".utf8), symbology: "]Q1").flatMap { $0 })
        #expect(await rig.waitForScans(2) == ["1.001234", "Đ"])
        await rig.shutDown()
    }
}
